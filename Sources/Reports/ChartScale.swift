// Axis scales and tick placement. Linear ticks use Heckbert's "nice numbers" (Graphics Gems,
// 1990: steps of 1, 2 or 5 times a power of ten), as d3-scale's `ticks` does; log ticks are the
// powers of ten covering the domain, with 2x and 5x added when it spans two decades or less
// (matplotlib's LogLocator default subs). Values map to pixels by an affine map of v or log10(v).
import Foundation

/// A map from data values to pixel positions along one axis, with its ticks.
public struct ChartScale: Sendable {
    /// Linear or log.
    public let kind: AxisScale
    /// The data domain, widened to nice values (positive for log).
    public let domain: ClosedRange<Double>
    /// Pixel positions the domain ends map to (may be reversed, as for y).
    public let range: (start: Double, end: Double)
    /// Tick values inside the domain.
    public let ticks: [Double]

    /// Builds a scale covering `values` (non-finite values ignored; non-positive ones too on a log
    /// scale), honouring a fixed `min`/`max`, with about `tickCount` ticks.
    public init(kind: AxisScale, values: [Double], min fixedMin: Double? = nil, max fixedMax: Double? = nil,
                range: (start: Double, end: Double), tickCount: Int = 5, includeZero: Bool = false,
                integerTicks: Bool = false) {
        self.kind = kind
        self.range = range
        switch kind {
        case .linear:
            var finite = values.filter(\.isFinite)
            if includeZero { finite.append(0) }
            var lo = fixedMin ?? finite.min() ?? 0
            var hi = fixedMax ?? finite.max() ?? 1
            if hi <= lo { hi = lo + (lo == 0 ? 1 : abs(lo) * 0.5) }
            let rough = Self.niceStep((hi - lo) / Double(Swift.max(1, tickCount - 1)))
            let step = integerTicks ? Swift.max(1, rough) : rough
            if fixedMin == nil { lo = (lo / step).rounded(.down) * step }
            if fixedMax == nil { hi = (hi / step).rounded(.up) * step }
            domain = lo...hi
            ticks = Self.linearTicks(lo: lo, hi: hi, step: step)
        case .log:
            let positive = values.filter { $0.isFinite && $0 > 0 }
            let lo0 = fixedMin.flatMap { $0 > 0 ? $0 : nil } ?? positive.min() ?? 1
            let hi0 = fixedMax.flatMap { $0 > 0 ? $0 : nil } ?? positive.max() ?? 10
            // The lowest value sits above the baseline: an exact power of ten gets half of it as the
            // domain floor, so a count of 1 still draws a visible bar.
            let floorExp = floor(log10(lo0))
            let lo = fixedMin != nil ? lo0 : (pow(10, floorExp) == lo0 ? lo0 / 2 : pow(10, floorExp))
            let hiExp0 = ceil(log10(Swift.max(hi0, lo0)))
            let hiExp = hiExp0 > floor(log10(lo)) ? hiExp0 : floor(log10(lo)) + 1
            domain = lo...pow(10, hiExp)
            ticks = Self.logTicks(loExp: Int(floor(log10(lo))), hiExp: Int(hiExp)).filter { $0 >= lo * (1 - 1e-12) && (!integerTicks || $0 == $0.rounded()) }
        }
    }

    /// The pixel position of `value` (values off a log domain clamp to its lower end).
    public func position(_ value: Double) -> Double {
        let t: Double
        switch kind {
        case .linear:
            t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log:
            let v = value > 0 ? value : domain.lowerBound
            t = (log10(v) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
        return range.start + t * (range.end - range.start)
    }

    /// Heckbert's nice step (rounding variant): 1, 2, 5 or 10 times a power of ten, nearest `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let exponent = floor(log10(rough))
        let fraction = rough / pow(10, exponent)
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        return nice * pow(10, exponent)
    }

    static func linearTicks(lo: Double, hi: Double, step: Double) -> [Double] {
        var out: [Double] = []
        var i = (lo / step).rounded(.up)
        while i * step <= hi + step * 1e-9, out.count < 50 {
            let v = i * step
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            i += 1
        }
        return out
    }

    static func logTicks(loExp: Int, hiExp: Int) -> [Double] {
        var out: [Double] = []
        let subs: [Double] = hiExp - loExp <= 2 ? [1, 2, 5] : [1]
        for e in loExp...hiExp {
            for s in subs {
                let v = s * pow(10, Double(e))
                if v <= pow(10, Double(hiExp)) * (1 + 1e-12) { out.append(v) }
            }
        }
        return out
    }
}

/// Number formatting shared by ticks, data labels and tables.
public enum ChartNumber {
    /// Formats `value` for display: percentages with up to one decimal, integers with
    /// thousands as "k"/"M" on ticks, other numbers with up to 3 significant decimals.
    public static func format(_ value: Double, as format: ValueFormat, compact: Bool = false) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
        switch format {
        case .percent:
            return trim(String(format: "%.1f", value * 100)) + "%"
        case .integer:
            if compact, abs(value) >= 1_000_000 { return trim(String(format: "%.1f", value / 1_000_000)) + "M" }
            if compact, abs(value) >= 10_000 { return trim(String(format: "%.1f", value / 1_000)) + "k" }
            return String(Int(value.rounded()))
        case .number:
            if value != 0, abs(value) < 0.001 { return scientific(value) }
            if compact, abs(value) >= 10_000 { return String(format: "%.0e", value) }
            if abs(value) >= 100 { return trim(String(format: "%.1f", value)) }
            return trim(String(format: "%.3f", value))
        }
    }

    /// `3e-6`, `1.5e-7`: values too small for three decimals (learning rates) in scientific notation.
    static func scientific(_ value: Double) -> String {
        let parts = String(format: "%.2e", value).split(separator: "e")
        guard parts.count == 2, let exponent = Int(parts[1]) else { return String(format: "%g", value) }
        return trim(String(parts[0])) + "e" + String(exponent)
    }

    private static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }
}
