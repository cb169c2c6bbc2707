// The built-in question set: seeded arithmetic word problems with exact integer answers, so the
// main job needs no download. GSM8K-like in form (one or two steps, small integers), generated
// here from a fixed seed so every machine gets the same questions.

extension QuestionSet {
    /// The default number of built-in questions (the main job's 50 questions).
    public static let builtinDefaultCount = 50

    /// `count` seeded arithmetic word problems with exact integer answers; ids `builtin-0000`….
    /// The same (count, seed) always gives the same questions, and a smaller count is a prefix of a larger one.
    public static func builtin(count: Int = builtinDefaultCount, seed: UInt64 = 0) -> QuestionSet {
        var rng = DatasetRandom(seed: seed ^ 0x5231_4155_4449_5400)
        var questions: [Question] = []
        questions.reserveCapacity(max(count, 0))
        for i in 0..<max(count, 0) {
            let (problem, answer) = makeProblem(kind: i % BuiltinKind.allCases.count, rng: &rng)
            questions.append(Question(id: Question.builtinID(i), problem: problem, golds: [String(answer)]))
        }
        return QuestionSet(source: "builtin", questions: questions)
    }

    private static func makeProblem(kind: Int, rng: inout DatasetRandom) -> (String, Int) {
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func pick(_ xs: [String]) -> String { xs[Int(rng.next() % UInt64(xs.count))] }
        let name = pick(["Ava", "Ben", "Chen", "Dana", "Eli", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena"])
        let item = pick(["apples", "marbles", "stickers", "pencils", "cookies", "stamps", "books", "shells"])
        switch BuiltinKind.allCases[kind] {
        case .addSubtract:
            let a = int(20...90), b = int(5...40), c = int(1...min(a + b - 1, 30))
            return ("\(name) has \(a) \(item). A friend gives \(name) \(b) more, and then \(name) gives away \(c). How many \(item) does \(name) have now?", a + b - c)
        case .multiply:
            let boxes = int(3...12), per = int(4...15)
            return ("\(name) buys \(boxes) boxes of \(item). Each box holds \(per) \(item). How many \(item) does \(name) buy in all?", boxes * per)
        case .divide:
            let groups = int(2...9), each = int(3...14)
            return ("\(name) shares \(groups * each) \(item) equally among \(groups) friends. How many \(item) does each friend get?", each)
        case .twoStep:
            let price = int(2...9), count = int(3...12), paid = (price * count / 10 + 1 + int(0...3)) * 10
            return ("Each of the \(item) at a fair costs $\(price). \(name) buys \(count) of them and pays with $\(paid). How many dollars of change does \(name) get?", paid - price * count)
        case .rate:
            let perHour = int(3...20), hours = int(2...8), extra = int(1...15)
            return ("\(name) makes \(perHour) \(item) every hour for \(hours) hours, then makes \(extra) more. How many \(item) does \(name) make in total?", perHour * hours + extra)
        }
    }
}

/// The shapes of built-in problems, cycled in order.
enum BuiltinKind: CaseIterable { case addSubtract, multiply, divide, twoStep, rate }

extension Question {
    /// `builtin-0007` for index 7.
    static func builtinID(_ index: Int) -> String {
        let digits = String(index)
        return "builtin-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
