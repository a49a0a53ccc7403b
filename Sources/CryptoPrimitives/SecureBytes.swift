import COpenSSL

/// A byte buffer for key material and decrypted secrets: its memory is wiped with `OPENSSL_cleanse`
/// when the last copy goes away (and whenever it grows), and it never prints its contents.
///
/// It has value semantics (copy on write), so it can be passed around and stored like `[UInt8]`.
public struct SecureBytes: Sendable {
    final class Storage: @unchecked Sendable {
        private(set) var pointer: UnsafeMutableRawPointer
        private(set) var capacity: Int
        var count: Int

        init(capacity: Int) {
            self.capacity = Swift.max(capacity, 1)
            self.pointer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
            self.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: self.capacity)
            self.count = 0
        }

        func copy(minimumCapacity: Int) -> Storage {
            let copy = Storage(capacity: Swift.max(minimumCapacity, count))
            copy.pointer.copyMemory(from: pointer, byteCount: count)
            copy.count = count
            return copy
        }

        func reserve(_ needed: Int) {
            guard needed > capacity else { return }
            let newCapacity = Swift.max(needed, capacity * 2)
            let newPointer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            newPointer.initializeMemory(as: UInt8.self, repeating: 0, count: newCapacity)
            newPointer.copyMemory(from: pointer, byteCount: count)
            OPENSSL_cleanse(pointer, capacity)
            pointer.deallocate()
            pointer = newPointer
            capacity = newCapacity
        }

        deinit {
            OPENSSL_cleanse(pointer, capacity)
            pointer.deallocate()
        }
    }

    var storage: Storage

    /// An empty buffer.
    public init() {
        storage = Storage(capacity: 0)
    }

    /// A copy of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        storage = Storage(capacity: bytes.underestimatedCount)
        append(contentsOf: bytes)
    }

    /// Copies `source` and then wipes it, for key bytes that arrive in an array (best effort: other copies
    /// of the array's storage, if any were made, are not reached).
    public init(wiping source: inout [UInt8]) {
        self.init(source)
        source.wipe()
    }

    /// `count` zero bytes.
    public init(zeroes count: Int) {
        precondition(count >= 0, "negative byte count")
        storage = Storage(capacity: count)
        storage.count = count
    }

    /// A buffer of up to `capacity` bytes filled by `initializer`, which returns how many it wrote.
    init(
        capacity: Int,
        initializingWith initializer: (UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int
    ) throws(CryptoError) {
        storage = Storage(capacity: capacity)
        let written = try initializer(UnsafeMutableRawBufferPointer(start: storage.pointer, count: capacity))
        precondition(written >= 0 && written <= capacity, "initializer wrote outside the buffer")
        storage.count = written
    }

    /// `count` bytes from OpenSSL's CSPRNG (`RAND_bytes`), for fresh keys and nonces.
    public static func random(count: Int) throws(CryptoError) -> SecureBytes {
        try SecureBytes(capacity: count) { (buffer) throws(CryptoError) -> Int in
            try SecureRandom.fill(buffer)
            return count
        }
    }

    /// Number of bytes held.
    public var count: Int { storage.count }

    /// Reads the bytes in place.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Changes the bytes in place.
    public mutating func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        makeUnique(minimumCapacity: count)
        return try body(UnsafeMutableRawBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Appends bytes, wiping the old allocation if the buffer has to grow.
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        let handled: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            appendRaw(UnsafeRawBufferPointer(buffer))
            return true
        }
        if handled == nil {
            for byte in bytes { append(byte) }
        }
    }

    /// Appends one byte.
    public mutating func append(_ byte: UInt8) {
        makeUnique(minimumCapacity: count + 1)
        storage.reserve(count + 1)
        storage.pointer.storeBytes(of: byte, toByteOffset: storage.count, as: UInt8.self)
        storage.count += 1
    }

    /// Drops every byte (the memory is wiped).
    public mutating func removeAll() {
        if isKnownUniquelyReferenced(&storage) {
            OPENSSL_cleanse(storage.pointer, storage.count)
            storage.count = 0
        } else {
            storage = Storage(capacity: 0)
        }
    }

    private mutating func appendRaw(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        makeUnique(minimumCapacity: count + buffer.count)
        storage.reserve(count + buffer.count)
        (storage.pointer + storage.count).copyMemory(from: base, byteCount: buffer.count)
        storage.count += buffer.count
    }

    private mutating func makeUnique(minimumCapacity: Int) {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy(minimumCapacity: minimumCapacity)
        }
    }
}

extension SecureBytes: RandomAccessCollection, MutableCollection {
    public typealias Index = Int
    public typealias Element = UInt8

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(position: Int) -> UInt8 {
        get {
            precondition(position >= 0 && position < storage.count, "SecureBytes index out of range")
            return storage.pointer.load(fromByteOffset: position, as: UInt8.self)
        }
        set {
            precondition(position >= 0 && position < storage.count, "SecureBytes index out of range")
            makeUnique(minimumCapacity: count)
            storage.pointer.storeBytes(of: newValue, toByteOffset: position, as: UInt8.self)
        }
    }

    public func withContiguousStorageIfAvailable<Result>(
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result? {
        let typed = storage.pointer.bindMemory(to: UInt8.self, capacity: storage.capacity)
        return try body(UnsafeBufferPointer(start: typed, count: storage.count))
    }
}

extension SecureBytes: Equatable {
    /// Constant-time comparison of the contents (lengths are not secret).
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        ConstantTime.isEqual(lhs, rhs)
    }
}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible {
    /// Only the length: the contents are never printed.
    public var description: String { "SecureBytes(\(count) bytes)" }
    public var debugDescription: String { description }
}

extension Array where Element == UInt8 {
    /// Overwrites the array's bytes with zeroes using `OPENSSL_cleanse` (which the compiler cannot elide).
    public mutating func wipe() {
        withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
        }
    }
}
