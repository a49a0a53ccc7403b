import CryptoPrimitives
import Testing

@Suite struct SecureBytesTests {
    @Test("SecureBytes has value semantics and never prints its contents")
    func valueSemanticsAndRedaction() {
        var original = SecureBytes([1, 2, 3])
        let copy = original
        original[0] = 9
        original.append(contentsOf: [4, 5])
        #expect(Array(copy) == [1, 2, 3])
        #expect(Array(original) == [9, 2, 3, 4, 5])
        #expect("\(original)" == "SecureBytes(5 bytes)")
        #expect(String(reflecting: original) == "SecureBytes(5 bytes)")
        original.removeAll()
        #expect(original.isEmpty)
        #expect(Array(copy) == [1, 2, 3])
    }

    @Test("moving key bytes out of an array wipes the array")
    func wipingInitializer() {
        var source: [UInt8] = [1, 2, 3, 4]
        let secure = SecureBytes(wiping: &source)
        #expect(Array(secure) == [1, 2, 3, 4])
        #expect(source == [0, 0, 0, 0])
    }

    @Test("SecureBytes grows across many appends without losing bytes")
    func growth() {
        var bytes = SecureBytes()
        var expected: [UInt8] = []
        for index in 0..<5000 {
            bytes.append(UInt8(truncatingIfNeeded: index))
            expected.append(UInt8(truncatingIfNeeded: index))
        }
        bytes.append(contentsOf: expected.lazy.map { $0 ^ 0xff })
        #expect(Array(bytes) == expected + expected.map { $0 ^ 0xff })
    }

    @Test("random bytes differ between calls and have the requested length")
    func randomness() throws {
        let first = try SecureBytes.random(count: 32)
        let second = try SecureBytes.random(count: 32)
        #expect(first.count == 32 && first != second)
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
        #expect(try SecureRandom.bytes(count: 1000).count == 1000)
    }

    @Test("constant-time comparison is exact")
    func constantTime() {
        #expect(ConstantTime.isEqual([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.isEqual([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.isEqual([1, 2, 3], [1, 2]))
        #expect(ConstantTime.isEqual([UInt8](), [UInt8]()))
        #expect(SecureBytes([7, 7]) == SecureBytes([7, 7]))
    }

    @Test("errors describe the failure without key bytes")
    func errorDescription() {
        let error = CryptoError(.authenticationFailed, "AES-GCM authentication failed: wrong key or tampered data")
        #expect(error.description == "authenticationFailed: AES-GCM authentication failed: wrong key or tampered data")
    }
}
