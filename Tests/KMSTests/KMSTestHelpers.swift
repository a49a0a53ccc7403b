import Foundation
import KMS
import KMSTestSupport
import TestSupport

/// A session whose environment is `KMSTestEnvironment.base(home:)` plus `variables`.
func testSession(home: ScratchDirectory, _ variables: [String: String] = [:]) -> KMSSession {
    KMSTestEnvironment.session(home: home.directory, variables)
}

/// 32 random bytes, a stand-in for a SOPS data key.
func randomDataKey() -> [UInt8] {
    (0..<32).map { _ in UInt8.random(in: 0...255) }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}

/// Asserts the text contains none of the secrets (credentials, tokens, data keys as base64).
func containsNone(_ text: String, _ secrets: [String]) -> Bool {
    !secrets.contains { !$0.isEmpty && text.contains($0) }
}
