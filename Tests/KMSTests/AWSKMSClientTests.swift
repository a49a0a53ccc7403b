import Foundation
import JSON
@testable import KMS
import KMSTestSupport
import Testing
import TestSupport

/// AWS KMS Decrypt against moto (real KMS semantics: encryption context enforced) and retry
/// behaviour against canned responses from a local stand-in.
@Suite("AWS KMS client")
struct AWSKMSClientTests {
    @Test("decrypts a data key moto encrypted, with and without an encryption context, against moto")
    func decryptsAgainstMoto() async throws {
        let home = try ScratchDirectory("kms-aws")
        let arn = try Moto.createKey(region: "eu-west-1")
        let dataKey = randomDataKey()
        let session = testSession(home: home, [
            "AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "AKIDTESTING", "AWS_SECRET_ACCESS_KEY": "testing-secret",
        ])
        let client = AWSKMSClient(session: session)
        let plain = try Moto.encrypt(dataKey, arn: arn)
        #expect(Array(try await client.decrypt(ciphertextBlob: plain, keyARN: arn)) == dataKey)

        let context = ["app": "payments", "env": "prod"]
        let bound = try Moto.encrypt(dataKey, arn: arn, context: context)
        #expect(Array(try await client.decrypt(ciphertextBlob: bound, keyARN: arn, encryptionContext: context)) == dataKey)

        let error = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertextBlob: bound, keyARN: arn, encryptionContext: ["app": "payments", "env": "dev"])
        }
        #expect(error?.code == .invalidCiphertext)
        #expect(error?.provider == .awsKMS)
        #expect(error?.description.contains(arn) == true)
        #expect(error?.description.contains("encryption context") == true)
        #expect(error.map { containsNone($0.description, ["testing-secret", dataKey.base64]) } == true)
    }

    @Test("a role is assumed through STS AssumeRole first (session name sops@host), against moto")
    func assumesRole() async throws {
        let home = try ScratchDirectory("kms-aws-role")
        let arn = try Moto.createKey()
        let dataKey = randomDataKey()
        let blob = try Moto.encrypt(dataKey, arn: arn)
        let session = testSession(home: home, [
            "AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "AKIDBASE", "AWS_SECRET_ACCESS_KEY": "base-secret",
        ])
        let client = AWSKMSClient(session: session)
        let decrypted = try await client.decrypt(ciphertextBlob: blob, keyARN: arn, role: "arn:aws:iam::123456789012:role/sops-decrypt")
        #expect(Array(decrypted) == dataKey)
    }

    @Test("a key ARN that is not a KMS ARN, or whose region is not a host label, is refused before any request")
    func invalidARN() async throws {
        let home = try ScratchDirectory("kms-aws-arn")
        let client = AWSKMSClient(session: testSession(home: home, ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B"]))
        let error = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertextBlob: [1, 2, 3], keyARN: "arn:aws:s3:::bucket")
        }
        #expect(error?.code == .invalidKeyReference)
        // The region becomes part of the endpoint host: a file cannot steer requests elsewhere with it.
        let steering = await #expect(throws: KMSError.self) {
            try await client.decrypt(ciphertextBlob: [1, 2, 3], keyARN: "arn:aws:kms:evil.example/x#:111122223333:key/k")
        }
        #expect(steering?.code == .invalidKeyReference)
    }

    @Test("throttling and 5xx answers are retried with backoff until success, against a local KMS stand-in")
    func retriesTransientFailures() async throws {
        let home = try ScratchDirectory("kms-aws-retry")
        let standIn = try StandIn(.awsMetadata)
        let dataKey = randomDataKey()
        try await standIn.queueFaults(match: "/", [
            (400, ["__type": "ThrottlingException", "message": "Rate exceeded"]),
            (503, ["__type": "KMSInternalException", "message": "internal"]),
            (200, ["KeyId": "arn:aws:kms:us-east-1:111122223333:key/k", "Plaintext": .string(dataKey.base64)]),
        ])
        let session = testSession(home: home, [
            "AWS_ENDPOINT_URL_KMS": standIn.httpURL, "AWS_ACCESS_KEY_ID": "AKIDRETRY", "AWS_SECRET_ACCESS_KEY": "retry-secret",
        ])
        let decrypted = try await AWSKMSClient(session: session).decrypt(
            ciphertextBlob: [1, 2, 3], keyARN: "arn:aws:kms:us-east-1:111122223333:key/k")
        #expect(Array(decrypted) == dataKey)
        let requests = try await standIn.requests()
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0["headers"]?["X-Amz-Target"]?.stringValue == "TrentService.Decrypt" })
        #expect(requests.allSatisfy { $0["headers"]?["Authorization"]?.stringValue?.contains("/us-east-1/kms/aws4_request") == true })
    }

    @Test("a failure that stays throttled reports that it was transient and how many attempts were made, against a local KMS stand-in")
    func exhaustedRetries() async throws {
        let home = try ScratchDirectory("kms-aws-throttle")
        let standIn = try StandIn(.awsMetadata)
        try await standIn.queueFaults(match: "/", Array(repeating: (400, ["__type": "ThrottlingException", "message": "Rate exceeded"]), count: 5))
        let session = testSession(home: home, [
            "AWS_ENDPOINT_URL_KMS": standIn.httpURL, "AWS_ACCESS_KEY_ID": "AKIDRETRY", "AWS_SECRET_ACCESS_KEY": "retry-secret",
        ])
        let error = await #expect(throws: KMSError.self) {
            try await AWSKMSClient(session: session).decrypt(ciphertextBlob: [1], keyARN: "arn:aws:kms:us-east-1:111122223333:key/k")
        }
        #expect(error?.code == .throttled)
        #expect(error?.isTransient == true)
        #expect(error?.attempts == 3)
        #expect(error?.description.contains("transient") == true)
        #expect(try await standIn.requests().count == 3)
    }

    @Test("access denied names the key and the credential source, never the secret, against a local KMS stand-in")
    func accessDenied() async throws {
        let home = try ScratchDirectory("kms-aws-denied")
        let standIn = try StandIn(.awsMetadata)
        try await standIn.queueFaults(match: "/", [
            (400, ["__type": "com.amazonaws.kms#AccessDeniedException", "message": "User is not authorized; echo denied-secret-value"])
        ])
        let session = testSession(home: home, [
            "AWS_ENDPOINT_URL_KMS": standIn.httpURL, "AWS_ACCESS_KEY_ID": "AKIDDENIED", "AWS_SECRET_ACCESS_KEY": "denied-secret-value",
        ])
        let error = await #expect(throws: KMSError.self) {
            try await AWSKMSClient(session: session).decrypt(ciphertextBlob: [1], keyARN: "arn:aws:kms:us-east-1:111122223333:key/denied")
        }
        #expect(error?.code == .accessDenied)
        #expect(error?.isTransient == false)
        #expect(error?.description.contains("arn:aws:kms:us-east-1:111122223333:key/denied") == true)
        #expect(error?.description.contains("environment variables") == true)
        #expect(error?.description.contains("denied-secret-value") == false)
        #expect(error?.description.contains("<redacted>") == true)
    }

    @Test("the STS session name is sops@host sanitised as sops does")
    func sessionName() {
        #expect(AWSKMSClient.sessionName(hostName: "build-01.example.com") == "sops@build01.example.com")
        #expect(AWSKMSClient.sessionName(hostName: String(repeating: "a", count: 80)).count == 64)
    }
}
