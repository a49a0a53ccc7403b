import Foundation
import Testing
import CryptoPrimitives
@_exported import TestSupport

import AgeCrypto
import CryptoPrimitives

/// Expects `body` to throw an `AgeError` with `code`, and returns it for further checks.
@discardableResult
func expectAgeError<Result>(
    _ code: AgeError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Result
) -> AgeError? {
    do {
        _ = try body()
        Issue.record("expected AgeError.\(code), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as AgeError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected AgeError.\(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

func sha256Hex(_ bytes: some Collection<UInt8>) throws -> String {
    hexString(try Hash.compute(.sha256, bytes))
}

/// The package root, from this file's location (`<root>/Tests/AgeCryptoTests/<file>`).
func packageRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
