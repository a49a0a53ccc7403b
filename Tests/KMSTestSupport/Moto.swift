import Foundation
import TestSupport

/// moto in server mode on 127.0.0.1 (PyPI `moto[server]`), one per test process, stopped when the
/// process exits (its standard input closes). KMS keys are created through moto's API with boto3.
public enum Moto {
    private static let peer: Result<LinePeer, Error> = Result {
        do {
            return try LinePeer("python3", [StandIn.script("moto_peer.py")])
        } catch {
            throw TestFailure("cannot start moto (pip install 'moto[server]' boto3): \(error)")
        }
    }

    /// `http://127.0.0.1:<port>` of the shared moto server.
    public static func endpoint() throws -> String {
        "http://127.0.0.1:\(try peer.get().port)"
    }

    /// Creates a symmetric KMS key in `region` and returns its ARN.
    public static func createKey(region: String = "us-east-1") throws -> String {
        let script = """
            import boto3, sys
            kms = boto3.client('kms', region_name=sys.argv[1], endpoint_url=sys.argv[2], aws_access_key_id='testing', aws_secret_access_key='testing')
            print(kms.create_key(Description='stageset-agent test')['KeyMetadata']['Arn'])
            """
        return try Shell.check("python3", ["-c", script, region, try endpoint()], environment: ["AWS_EC2_METADATA_DISABLED": "true"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Encrypts `plaintext` under `arn` with an encryption context through moto (boto3); returns the CiphertextBlob.
    public static func encrypt(_ plaintext: [UInt8], arn: String, context: [String: String] = [:]) throws -> [UInt8] {
        let region = arn.split(separator: ":")[3]
        let script = """
            import boto3, sys, json, base64
            kms = boto3.client('kms', region_name=sys.argv[1], endpoint_url=sys.argv[2], aws_access_key_id='testing', aws_secret_access_key='testing')
            blob = kms.encrypt(KeyId=sys.argv[3], Plaintext=base64.b64decode(sys.argv[4]), EncryptionContext=json.loads(sys.argv[5]))['CiphertextBlob']
            print(base64.b64encode(blob).decode())
            """
        let contextJSON = String(decoding: try JSONSerialization.data(withJSONObject: context), as: UTF8.self)
        let output = try Shell.check("python3", ["-c", script, String(region), try endpoint(), arn, Data(plaintext).base64EncodedString(), contextJSON],
            environment: ["AWS_EC2_METADATA_DISABLED": "true"])
        guard let blob = Data(base64Encoded: output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("moto encrypt returned no base64")
        }
        return Array(blob)
    }
}
