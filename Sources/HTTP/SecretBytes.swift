#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An owned, address-stable byte buffer (handed to curl without copying) that is zeroed when
/// released. Used for PEM data; private keys must never be printed, so `description` shows only
/// the length.
final class SecretBytes: Sendable, CustomStringConvertible {
    nonisolated(unsafe) private let storage: UnsafeMutableRawBufferPointer

    init(_ bytes: some Sequence<UInt8>) {
        var array = Array(bytes)
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 1)
        array.withUnsafeBytes { storage.copyMemory(from: $0) }
        self.storage = storage
        count = array.count
        array.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } }
    }

    let count: Int

    /// Start of the bytes; valid for the lifetime of this object.
    var baseAddress: UnsafeRawPointer { UnsafeRawPointer(storage.baseAddress!) }

    /// Whether the bytes contain `needle` (used to keep errors free of key material).
    func contains(_ needle: some Collection<UInt8>) -> Bool {
        let haystack = UnsafeRawBufferPointer(storage).prefix(count)
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        return haystack.firstRange(of: needle) != nil
    }

    var description: String { "<\(count) bytes redacted>" }

    deinit {
        explicit_bzero(storage.baseAddress!, storage.count)
        storage.deallocate()
    }
}
