import CryptoPrimitives
import Foundation
import YAML
@testable import SOPS
import Testing
import TestSupport

/// The building blocks: `ENC[...]` parsing, the typed plaintexts, Go number and time formatting, Shamir.
@Suite("Value formats")
struct ValueFormatTests {
    @Test("ENC values parse with the greedy semantics of sops' regular expression")
    func encryptedValueParsing() throws {
        let value = try EncryptedValue.parse(Array("ENC[AES256_GCM,data:aGk=,iv:AAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]".utf8))
        #expect(value.data == Array("hi".utf8))
        #expect(value.iv == [0, 0, 0])
        #expect(value.tag.count == 16)
        #expect(value.type == "str")
        // Anything after the closing bracket is ignored; `]` inside a group is taken greedily.
        #expect(try EncryptedValue.parse(Array("ENC[AES256_GCM,data:aGk=,iv:AAAA,tag:AAAA,type:int] trailing".utf8)).type == "int")
        #expect(try EncryptedValue.parse(Array("ENC[AES256_GCM,data:aGk=,iv:AAAA,tag:AAAA,type:str]x]".utf8)).type == "str]x")
        // Only the first line counts.
        #expect(try EncryptedValue.parse(Array("ENC[AES256_GCM,data:aGk=,iv:AAAA,tag:AAAA,type:str]\nmore".utf8)).type == "str")
        for bad in ["", "ENC[", "enc[AES256_GCM,data:aGk=,iv:AAAA,tag:AAAA,type:str]", "ENC[AES256_GCM,data:,iv:AAAA,tag:AAAA,type:str]",
            "ENC[AES256_GCM,data:aGk=,iv:AAAA,tag:AAAA,type:]", "ENC[AES256_GCM,data:aGk=\n,iv:AAAA,tag:AAAA,type:str]",
            "ENC[AES256_GCM,data:a,iv:AAAA,tag:AAAA,type:str]", "ENC[AES256_GCM,data:aGk=,iv:A=AA,tag:AAAA,type:str]", "plain text"]
        {
            #expect(throws: EncryptedValue.ParseFailure.self, "\(bad)") { try EncryptedValue.parse(Array(bad.utf8)) }
        }
    }

    @Test("typed plaintexts decode as sops' cipher decodes them")
    func typedPlaintexts() throws {
        #expect(try ValueCipher.typed(Array("-7".utf8), type: "int") == .integer(-7))
        #expect(try ValueCipher.typed(Array("+007".utf8), type: "int") == .integer(7))
        #expect(try ValueCipher.typed(Array("1000000000000000000000".utf8), type: "float") == .float(1e21))
        #expect(try ValueCipher.typed(Array("+Inf".utf8), type: "float") == .float(.infinity))
        #expect(try ValueCipher.typed(Array("True".utf8), type: "bool") == .bool(true))
        #expect(try ValueCipher.typed(Array("f".utf8), type: "bool") == .bool(false))
        #expect(try ValueCipher.typed(Array("2024-01-02T03:04:05.5+02:00".utf8), type: "time")
            == .time(YAMLTimestamp(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, nanosecond: 500_000_000, offsetSeconds: 7200)))
        #expect(try ValueCipher.typed([0xFF, 0x00], type: "str") == .string([0xFF, 0x00]))
        #expect(try ValueCipher.typed(Array(" note".utf8), type: "comment") == .comment(Array(" note".utf8)))
        for (text, type) in [("1.5", "int"), ("yes", "bool"), ("1e400", "float"), ("2024-13-01T00:00:00Z", "time"), ("x", "decimal")] {
            #expect(throws: ValueCipher.Failure.self) { try ValueCipher.typed(Array(text.utf8), type: type) }
        }
    }

    @Test("AES-GCM values with 32-byte IVs, key path as AAD, empty strings untouched")
    func cipherRoundTrip() throws {
        let key = try SecureBytes.random(count: 32)
        let iv = try SecureRandom.bytes(count: 32)
        let sealed = try AESGCM.seal(key: key, nonce: iv, plaintext: Array("secret".utf8), additionalData: Array("data:password:".utf8))
        let value = "ENC[AES256_GCM,data:\(GoBase64.encodeStandard(sealed.ciphertext)),iv:\(GoBase64.encodeStandard(iv)),tag:\(GoBase64.encodeStandard(sealed.tag)),type:str]"
        let cipher = ValueCipher(dataKey: key)
        #expect(try cipher.decrypt(Array(value.utf8), additionalData: Array("data:password:".utf8)) == .text("secret"))
        #expect(throws: ValueCipher.Failure.self) { try cipher.decrypt(Array(value.utf8), additionalData: Array("data:other:".utf8)) }
        #expect(try cipher.decrypt([], additionalData: []) == .string([]))
    }

    @Test("Go float formatting: FormatFloat 'f' and 'g', encoding/json")
    func floats() {
        let positional: [(Double, String)] = [(1, "1"), (1.5, "1.5"), (1e21, "1000000000000000000000"), (1234567890123456768, "1234567890123456800"),
            (0.1, "0.1"), (1e-7, "0.0000001"), (-0.0, "-0"), (Double.leastNonzeroMagnitude, "0." + String(repeating: "0", count: 323) + "5"), (.nan, "NaN"), (-.infinity, "-Inf")]
        for (value, text) in positional { #expect(GoNumberText.formatFloatPositional(value) == text) }
        let general: [(Double, String)] = [(1000, "1000"), (1e6, "1e+06"), (123456, "123456"), (1234567.5, "1.2345675e+06"), (1e-5, "1e-05"),
            (0.0001, "0.0001"), (1e21, "1e+21"), (1.5e-7, "1.5e-07"), (0, "0")]
        for (value, text) in general { #expect(GoNumberText.formatFloatGeneral(value) == text, "\(value)") }
        #expect(GoNumberText.formatYAMLFloat(.infinity) == ".inf")
        #expect(GoNumberText.formatYAMLFloat(.nan) == ".nan")
        let json: [(Double, String)] = [(1, "1"), (0.75, "0.75"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (-0.0, "-0"), (1e20, "100000000000000000000")]
        for (value, text) in json { #expect(GoNumberText.formatJSONFloat(value) == text, "\(value)") }
        #expect(GoNumberText.formatJSONFloat(.nan) == nil)
        #expect(GoNumberText.parseFloat("0x1p-2") == 0.25)
        #expect(GoNumberText.parseFloat("1_0") == nil)
        #expect(GoNumberText.parseFloat("+nan") == nil)
        #expect(GoNumberText.parseFloat("Infinity") == .infinity)
    }

    @Test("YAML scalar resolution follows go-yaml v3")
    func yamlResolution() {
        let cases: [(String, SOPSNode)] = [
            ("0755", .integer(493)), ("0x1F", .integer(31)), ("0o17", .integer(15)), ("0b101", .integer(5)), ("1_000", .integer(1000)),
            ("08", .float(8)), ("1e3", .float(1000)), (".5", .float(0.5)), ("+.5", .float(0.5)), ("1e400", .text("1e400")),
            ("yes", .text("yes")), ("True", .bool(true)), ("~", .null), ("", .null), ("<<", .text("<<")),
            ("18446744073709551615", .unsignedInteger(.max)), ("+18446744073709551615", .float(18446744073709551616)),
            ("2024-01-02", .time(YAMLTimestamp(year: 2024, month: 1, day: 2))),
            ("2024-1-2 3:4:5.5", .time(YAMLTimestamp(year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, nanosecond: 500_000_000))),
            ("2024-01-02T03:04:05", .text("2024-01-02T03:04:05")), ("2024-02-30", .text("2024-02-30")),
        ]
        for (text, expected) in cases { #expect(GoYAMLResolver.resolvePlain(text).value == expected, "\(text)") }
        #expect(GoYAMLResolver.isBase60Float("1:20"))
        #expect(GoYAMLResolver.isBase60Float("-190:20:30.15"))
        #expect(!GoYAMLResolver.isBase60Float("1:60"))
        #expect(!GoYAMLResolver.canUsePlain("yes"))
        #expect(GoYAMLResolver.canUsePlain("<<"))
        #expect(GoYAMLResolver.resolve(tag: "tag:yaml.org,2002:float", "1")?.value == .float(1))
        #expect(GoYAMLResolver.resolve(tag: "tag:yaml.org,2002:bool", "yes") == nil)
    }

    @Test("RFC 3339 and MarshalText formatting")
    func timestamps() throws {
        let time = try #require(YAMLTimestamp.parseRFC3339("2026-11-29T11:22:30.120Z"))
        #expect(time.rfc3339 == "2026-11-29T11:22:30Z")
        #expect(time.marshalText == "2026-11-29T11:22:30.12Z")
        #expect(YAMLTimestamp.parseRFC3339("2026-11-29T11:22:30-05:30")?.rfc3339 == "2026-11-29T11:22:30-05:30")
        #expect(YAMLTimestamp.parseRFC3339("2026-11-29T11:22:30+00:00")?.rfc3339 == "2026-11-29T11:22:30Z")
        #expect(YAMLTimestamp.parseRFC3339("2026-11-29 11:22:30Z") == nil)
        #expect(YAMLTimestamp.parseRFC3339("2025-02-29T00:00:00Z") == nil)
        #expect(YAMLTimestamp.parseYAML("2024-02-29")?.marshalText == "2024-02-29T00:00:00Z")
    }

    @Test("Shamir: any threshold-sized set of shares recovers the secret; bad share sets are refused")
    func shamir() throws {
        var generator = SeededGenerator(seed: 8)
        for threshold in 2...4 {
            let secret = generator.bytes(32)
            // Split: one random polynomial per byte, shares at x = 1…5, x stored last (sops' layout).
            var shares: [[UInt8]] = Array(repeating: [], count: 5)
            for byte in secret {
                let coefficients = [byte] + generator.bytes(threshold - 1)
                for x in 1...5 {
                    var y: UInt8 = 0
                    var power: UInt8 = 1
                    for coefficient in coefficients {
                        y ^= ShamirSecretSharing.multiply(coefficient, power)
                        power = ShamirSecretSharing.multiply(power, UInt8(x))
                    }
                    shares[x - 1].append(y)
                }
            }
            for x in 1...5 { shares[x - 1].append(UInt8(x)) }
            let chosen = Array(shares.shuffled(using: &generator).prefix(threshold)).map { SecureBytes($0) }
            #expect(Array(try ShamirSecretSharing.combine(chosen)) == secret)
        }
        #expect(throws: ShamirSecretSharing.Failure.self) { try ShamirSecretSharing.combine([SecureBytes([1, 2, 1])]) }
        #expect(throws: ShamirSecretSharing.Failure.self) { try ShamirSecretSharing.combine([SecureBytes([1, 2, 1]), SecureBytes([3, 4, 1])]) }
        #expect(throws: ShamirSecretSharing.Failure.self) { try ShamirSecretSharing.combine([SecureBytes([1, 2, 1]), SecureBytes([3, 2])]) }
        for value in 1...255 {
            #expect(ShamirSecretSharing.multiply(UInt8(value), ShamirSecretSharing.inverse(UInt8(value))) == 1)
        }
    }

    @Test("selectors: suffixes and RE2-like regular expressions over the key path and comment stack")
    func selectors() {
        func path(_ components: String...) -> [[UInt8]] { components.map { Array($0.utf8) } }
        let regex = EncryptionRule(.encryptedRegex("^(data|stringData)$"))
        #expect(regex.shouldEncrypt(path: path("stringData", "x"), comments: [], isComment: false))
        #expect(!regex.shouldEncrypt(path: path("metadata", "name"), comments: [], isComment: false))
        #expect(!regex.shouldEncrypt(path: path("data\n"), comments: [], isComment: false), "$ matches only at the end, as in RE2")
        #expect(!EncryptionRule(.encryptedRegex("^\\d+$")).shouldEncrypt(path: path("١٢"), comments: [], isComment: false), "\\d is ASCII-only")
        #expect(EncryptionRule(.encryptedRegex("^\\pL+$")).shouldEncrypt(path: path("héllo"), comments: [], isComment: false))
        #expect(!EncryptionRule(.encryptedRegex("(")).shouldEncrypt(path: path("("), comments: [], isComment: false), "a bad pattern never matches")
        let suffix = EncryptionRule(.unencryptedSuffix("_unencrypted"))
        #expect(!suffix.shouldEncrypt(path: path("a_unencrypted", "b"), comments: [], isComment: false))
        #expect(suffix.shouldEncrypt(path: path("a", "b"), comments: [], isComment: false))
        let comment = EncryptionRule(.encryptedCommentRegex("sops:enc"))
        #expect(comment.shouldEncrypt(path: [], comments: [[Array(" sops:enc".utf8)]], isComment: false))
        #expect(!comment.shouldEncrypt(path: [], comments: [[Array(" sops:enc".utf8)]], isComment: true), "the marker comment itself stays plain")
    }

    @Test("the mac_only_encrypted prefix is SHA-256(\"sops\")")
    func macOnlyPrefix() throws {
        #expect(try Hash.compute(.sha256, Array("sops".utf8)) == TreeDecryptor.macOnlyEncryptedInitialization)
    }

    @Test("flattened metadata: keys split on __map_ and __list_, newlines decoded, conflicts refused")
    func flattened() throws {
        let value = try FlattenedMetadata.unflatten([
            ("age__list_0__map_recipient", "age1x"), ("age__list_0__map_enc", "line1\\nline2"), ("lastmodified", "2026-11-29T11:22:30Z"),
            ("key_groups__list_1__map_pgp__list_0__map_fp", "FP"), ("kms__list_0__map_context__map_app", "demo"),
        ])
        guard case .map(let members) = value else {
            Issue.record("expected a map")
            return
        }
        #expect(members.map(\.0).sorted() == ["age", "key_groups", "kms", "lastmodified"])
        guard case .list(let ages)? = members.first(where: { $0.0 == "age" })?.1, case .map(let age)? = ages.first,
            case .scalar(let enc, _)? = age.first(where: { $0.0 == "enc" })?.1
        else {
            Issue.record("expected age list")
            return
        }
        #expect(enc == "line1\nline2")
        #expect(throws: SOPSError.self) { try FlattenedMetadata.unflatten([("age", "x"), ("age__list_0__map_enc", "y")]) }
        #expect(throws: SOPSError.self) { try FlattenedMetadata.unflatten([("age__list_99999999__map_enc", "y")]) }
    }
}
