import Foundation
import JSON
import KMS
import Testing
import TestSupport

/// SigV4 signatures compared with botocore's (the AWS SDK for Python) at a fixed clock, and with a
/// vector of the AWS-published SigV4 test suite. moto does not verify signatures, so this is what
/// proves the signing is right.
@Suite("AWS Signature Version 4")
struct AWSSignatureV4Tests {
    struct Case {
        var method: String
        var url: String
        var headers: [(String, String)]
        var body: String
        var accessKeyID = "AKIDEXAMPLE"
        var secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        var sessionToken: String?
        var region: String
        var service: String
    }

    static let date = Date(timeIntervalSince1970: 1_704_164_645)  // 2024-01-02T03:04:05Z

    static let cases: [Case] = [
        Case(method: "POST", url: "https://kms.us-east-1.amazonaws.com/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.Decrypt")],
            body: #"{"CiphertextBlob":"AQIDBA==","EncryptionContext":{"app":"demo"},"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}"#,
            region: "us-east-1", service: "kms"),
        Case(method: "POST", url: "https://kms.eu-central-1.amazonaws.com/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.Decrypt")],
            body: #"{"CiphertextBlob":"AQIDBA==","KeyId":"arn:aws:kms:eu-central-1:111122223333:alias/a"}"#,
            accessKeyID: "ASIAEXAMPLETEMPORARY", sessionToken: "FQoGZXIvYXdzEXAMPLE//session+token=", region: "eu-central-1", service: "kms"),
        Case(method: "POST", url: "https://sts.eu-west-1.amazonaws.com/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fsops&RoleSessionName=sops%40host",
            region: "eu-west-1", service: "sts"),
        Case(method: "POST", url: "http://127.0.0.1:4566/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.Decrypt")],
            body: "{}", region: "ap-southeast-2", service: "kms"),
        Case(method: "GET", url: "https://example.amazonaws.com/a%20b/c~d?b=2&a=1&a=0&x=y%2Fz&empty=",
            headers: [("X-Custom", "  spaced   out  value "), ("Content-Type", "text/plain")],
            body: "", region: "us-west-2", service: "service"),
    ]

    /// Authorization headers botocore computes for the cases (clock fixed by patching botocore.auth).
    static func botocoreAuthorizations() throws -> [String] {
        var input: [JSONValue] = []
        for entry in cases {
            var object = JSONObject()
            object["method"] = .string(entry.method)
            object["url"] = .string(entry.url)
            object["headers"] = .array(entry.headers.map { .array([.string($0.0), .string($0.1)]) })
            object["body"] = .string(entry.body)
            object["access_key"] = .string(entry.accessKeyID)
            object["secret"] = .string(entry.secret)
            object["token"] = entry.sessionToken.map(JSONValue.string) ?? .null
            object["region"] = .string(entry.region)
            object["service"] = .string(entry.service)
            input.append(.object(object))
        }
        let script = """
            import datetime, json, sys
            import botocore.auth as auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            auth.get_current_datetime = lambda: datetime.datetime(2024, 1, 2, 3, 4, 5)
            out = []
            for case in json.load(sys.stdin):
                request = AWSRequest(method=case["method"], url=case["url"], headers=dict(case["headers"]), data=case["body"].encode())
                signer = auth.SigV4Auth(Credentials(case["access_key"], case["secret"], case["token"]), case["service"], case["region"])
                signer.add_auth(request)
                out.append(request.headers["Authorization"])
            print(json.dumps(out))
            """
        let output = try Shell.check("python3", ["-c", script], input: JSONSerializer().string(.array(input)))
        return try JSONParser.parse(output).arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test("SigV4 signatures match botocore's at a fixed clock (KMS, STS, temporary credentials, ports, queries)")
    func matchesBotocore() throws {
        let expected = try Self.botocoreAuthorizations()
        try #require(expected.count == Self.cases.count, "botocore (PyPI boto3/botocore) produced \(expected.count) signatures")
        for (index, entry) in Self.cases.enumerated() {
            let credentials = AWSCredentials(accessKeyID: entry.accessKeyID, secretAccessKey: entry.secret, sessionToken: entry.sessionToken)
            let headers = try AWSSignatureV4.sign(
                method: entry.method, url: URL(string: entry.url)!, headers: entry.headers, body: Array(entry.body.utf8),
                credentials: credentials, region: entry.region, service: entry.service, date: Self.date)
            let authorization = headers.first { $0.0 == "Authorization" }?.1
            #expect(authorization == expected[index], "case \(index): \(entry.method) \(entry.url)")
            #expect(headers.contains { $0.0 == "X-Amz-Date" && $0.1 == "20240102T030405Z" })
            #expect(headers.contains { $0.0 == "X-Amz-Security-Token" } == (entry.sessionToken != nil))
        }
    }

    @Test("the AWS SigV4 test suite's get-vanilla vector")
    func publishedVector() throws {
        // aws-sig-v4-test-suite (docs.aws.amazon.com, "Signature Version 4 test suite"), case get-vanilla.
        let headers = try AWSSignatureV4.sign(
            method: "GET", url: URL(string: "https://example.amazonaws.com/")!, headers: [], body: [],
            credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "service", date: Date(timeIntervalSince1970: 1_440_938_160))
        #expect(headers.first { $0.0 == "Authorization" }?.1
            == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test("credentials never print their secret or session token")
    func credentialsDescription() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "very-secret-key", sessionToken: "session-token-value")
        #expect(!"\(credentials)".contains("very-secret-key"))
        #expect(!"\(credentials)".contains("session-token-value"))
    }
}
