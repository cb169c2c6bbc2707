// GGUF metadata values, following llama.cpp ggml/src/gguf.cpp (enum gguf_type, GGUF_TYPE_UINT8 … FLOAT64).

/// One typed GGUF metadata value.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), array([GGUFValue])
    case uint64(UInt64), int64(Int64), float64(Double)

    /// The on-disk type id (gguf_type).
    public var typeID: UInt32 {
        switch self {
        case .uint8: return 0; case .int8: return 1; case .uint16: return 2; case .int16: return 3
        case .uint32: return 4; case .int32: return 5; case .float32: return 6; case .bool: return 7
        case .string: return 8; case .array: return 9; case .uint64: return 10; case .int64: return 11
        case .float64: return 12
        }
    }

    /// Any integer value as `Int` (nil for other kinds or out of range).
    public var int: Int? {
        switch self {
        case let .uint8(v): return Int(v); case let .int8(v): return Int(v)
        case let .uint16(v): return Int(v); case let .int16(v): return Int(v)
        case let .uint32(v): return Int(v); case let .int32(v): return Int(v)
        case let .uint64(v): return Int(exactly: v); case let .int64(v): return Int(v)
        case let .bool(v): return v ? 1 : 0
        default: return nil
        }
    }

    /// Any numeric value as `Double`.
    public var double: Double? {
        switch self {
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return int.map(Double.init)
        }
    }

    /// The value when it is a string.
    public var string: String? { if case let .string(s) = self { return s }; return nil }

    /// The value when it is a bool (integers 0/1 are accepted too).
    public var bool: Bool? {
        if case let .bool(b) = self { return b }
        return int.map { $0 != 0 }
    }

    /// The elements when it is an array.
    public var array: [GGUFValue]? { if case let .array(a) = self { return a }; return nil }

    /// The elements when it is an array of strings.
    public var stringArray: [String]? {
        guard case let .array(a) = self else { return nil }
        var out = [String](); out.reserveCapacity(a.count)
        for v in a { guard case let .string(s) = v else { return nil }; out.append(s) }
        return out
    }

    /// The elements when it is an array of integers.
    public var intArray: [Int]? {
        guard case let .array(a) = self else { return nil }
        var out = [Int](); out.reserveCapacity(a.count)
        for v in a { guard let i = v.int else { return nil }; out.append(i) }
        return out
    }

    /// The elements when it is an array of numbers.
    public var doubleArray: [Double]? {
        guard case let .array(a) = self else { return nil }
        var out = [Double](); out.reserveCapacity(a.count)
        for v in a { guard let d = v.double else { return nil }; out.append(d) }
        return out
    }
}
