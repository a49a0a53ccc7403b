import Testing
@testable import YAML

/// Plain scalars resolve as go-yaml v3 resolves them (sops and kubectl read YAML that way).
@Suite struct YAMLScalarResolverTests {
    @Test(arguments: [
        ("", YAMLScalarResolver.Resolved.null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("FALSE", .bool(false)),
        ("yes", .string("yes")), ("on", .string("on")), ("y", .string("y")),
        ("0", .integer(0)), ("-17", .integer(-17)), ("+5", .integer(5)), ("1_000", .integer(1000)),
        ("0755", .integer(493)), ("0o17", .integer(15)), ("0x1F", .integer(31)), ("0b101", .integer(5)),
        ("08", .float(8)), ("1.5", .float(1.5)), ("1e3", .float(1000)), (".5", .float(0.5)), ("-.inf", .float(-.infinity)),
        ("9223372036854775807", .integer(Int64.max)), ("18446744073709551615", .unsignedInteger(UInt64.max)), ("+18446744073709551615", .float(18446744073709551616)),
        ("2024-01-02", .timestamp("2024-01-02")), ("2001-12-14T21:59:43.10Z", .timestamp("2001-12-14T21:59:43.10Z")),
        ("2001-12-14 21:59:43.10", .timestamp("2001-12-14 21:59:43.10")), ("2001-1-2t3:4:5+01:00", .timestamp("2001-1-2t3:4:5+01:00")),
        // Not go-yaml timestamps: trailing text, a `T` time without a zone, impossible dates.
        ("2001-12-14T21:59:43Zjunk", .string("2001-12-14T21:59:43Zjunk")), ("2001-12-14T21:59:43", .string("2001-12-14T21:59:43")),
        ("2023-02-29", .string("2023-02-29")), ("2001-13-01", .string("2001-13-01")),
        ("1.2.3", .string("1.2.3")), ("0x", .string("0x")), ("12abc", .string("12abc")), ("-", .string("-")),
    ])
    func resolvesPlainScalars(_ text: String, _ expected: YAMLScalarResolver.Resolved) {
        #expect(YAMLScalarResolver.resolvePlain(text) == expected)
    }

    @Test func resolvesNaN() {
        guard case .float(let value) = YAMLScalarResolver.resolvePlain(".NaN") else {
            Issue.record("expected a float")
            return
        }
        #expect(value.isNaN)
    }

    @Test func quotedScalarsAreStrings() throws {
        #expect(try YAMLScalarResolver.resolve("5", style: .doubleQuoted, tag: nil) == .string("5"))
        #expect(try YAMLScalarResolver.resolve("true", style: .plain, tag: "!") == .string("true"))
    }

    @Test func explicitTagsMustMatchTheContent() throws {
        #expect(try YAMLScalarResolver.resolve("5", style: .plain, tag: "tag:yaml.org,2002:float") == .float(5))
        #expect(throws: YAMLError.self) { try YAMLScalarResolver.resolve("abc", style: .plain, tag: "tag:yaml.org,2002:int") }
        #expect(throws: YAMLError.self) { try YAMLScalarResolver.resolve("x", style: .plain, tag: "!custom") }
    }
}
