import Foundation
import Testing
@_exported import TestSupport

import CryptoPrimitives

/// Expects `body` to throw a `CryptoError` with `code`.
func expectCryptoError<Result>(
    _ code: CryptoError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Result
) {
    do {
        _ = try body()
        Issue.record("expected CryptoError.\(code), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as CryptoError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected CryptoError.\(code), got \(error)", sourceLocation: sourceLocation)
    }
}
