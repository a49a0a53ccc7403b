import Foundation
import JSON
import KMS
import KMSTestSupport
import Testing
import TestSupport

/// The AWS credential chain in the SDKs' order, each source through its override: moto for STS,
/// a local container-credentials / IMDSv2 stand-in for the metadata sources.
@Suite("AWS credential chain")
struct AWSCredentialChainTests {
    let region = "us-east-1"

    func chain(_ home: ScratchDirectory, _ variables: [String: String]) -> AWSCredentialChain {
        AWSCredentialChain(session: testSession(home: home, variables), region: region)
    }

    @Test("environment keys come first, before shared files")
    func environmentFirst() async throws {
        let home = try ScratchDirectory("aws-chain-env")
        try home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n")
        let credentials = try await chain(home, [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token",
        ]).resolve()
        #expect(credentials.accessKeyID == "AKIDENV")
        #expect(credentials.isTemporary)
        #expect(credentials.source == "environment variables")
    }

    @Test("web identity: the token file is exchanged with STS AssumeRoleWithWebIdentity, against moto")
    func webIdentity() async throws {
        let home = try ScratchDirectory("aws-chain-web")
        let tokenFile = try home.write("token", "eyJhbGciOiJSUzI1NiJ9.web-identity-token.signature\n", mode: 0o600)
        let variables = [
            "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa",
            "AWS_ROLE_SESSION_NAME": "stageset-test", "AWS_ENDPOINT_URL": try Moto.endpoint(),
        ]
        let credentials = try await chain(home, variables).resolve()
        #expect(credentials.isTemporary)
        #expect(credentials.source.contains("AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/irsa"))
        #expect(credentials.expiration != nil)

        let arn = try Moto.createKey()
        let dataKey = randomDataKey()
        let decrypted = try await AWSKMSClient(session: testSession(home: home, variables))
            .decrypt(ciphertextBlob: try Moto.encrypt(dataKey, arn: arn), keyARN: arn)
        #expect(Array(decrypted) == dataKey)
    }

    @Test("web identity without AWS_ROLE_ARN is a configuration error")
    func webIdentityWithoutRole() async throws {
        let home = try ScratchDirectory("aws-chain-web-norole")
        let error = await #expect(throws: KMSError.self) {
            try await chain(home, ["AWS_WEB_IDENTITY_TOKEN_FILE": home.file("token")]).resolve()
        }
        #expect(error?.code == .invalidCredentials)
        #expect(error?.message.contains("AWS_ROLE_ARN") == true)
    }

    @Test("shared files: the default profile, AWS_PROFILE, [profile x] sections and the key's aws_profile")
    func sharedFiles() async throws {
        let home = try ScratchDirectory("aws-chain-files")
        try home.write(".aws/credentials", """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = default-secret

            [ci]
            aws_access_key_id=AKIDCI
            aws_secret_access_key=ci-secret
            """, mode: 0o600)
        try home.write(".aws/config", """
            [default]
            region = eu-west-1
            [profile ops]
            # a comment
            aws_access_key_id = AKIDOPS
            aws_secret_access_key = ops-secret
            s3 =
              max_concurrent_requests = 10
            """)
        #expect(try await chain(home, [:]).resolve().accessKeyID == "AKIDDEFAULT")
        #expect(try await chain(home, ["AWS_PROFILE": "ci"]).resolve().accessKeyID == "AKIDCI")
        #expect(try await chain(home, [:]).resolve(profile: "ops").accessKeyID == "AKIDOPS")
        // The key's aws_profile wins over environment keys, as a profile set in code does in the SDKs.
        let explicit = try await chain(home, ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "x"]).resolve(profile: "ci")
        #expect(explicit.accessKeyID == "AKIDCI")
        #expect(explicit.source.contains("profile \"ci\""))
        // AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE move the files.
        try home.write("elsewhere/creds", "[moved]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = moved\n")
        let moved = try await chain(home, ["AWS_SHARED_CREDENTIALS_FILE": home.file("elsewhere/creds"), "AWS_PROFILE": "moved"]).resolve()
        #expect(moved.accessKeyID == "AKIDMOVED")
    }

    @Test("role_arn with source_profile is assumed through STS AssumeRole, against moto")
    func profileRole() async throws {
        let home = try ScratchDirectory("aws-chain-role")
        try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        try home.write(".aws/config", """
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/deploy
            source_profile = base
            role_session_name = deploy-session
            """)
        let session = testSession(home: home, ["AWS_ENDPOINT_URL_STS": try Moto.endpoint(), "AWS_ENDPOINT_URL_KMS": try Moto.endpoint()])
        let credentials = try await AWSCredentialChain(session: session, region: region).resolve(profile: "deploy")
        #expect(credentials.isTemporary)
        #expect(credentials.accessKeyID != "AKIDBASE")
        #expect(credentials.source.contains("AssumeRole arn:aws:iam::123456789012:role/deploy"))

        let arn = try Moto.createKey()
        let dataKey = randomDataKey()
        let decrypted = try await AWSKMSClient(session: session)
            .decrypt(ciphertextBlob: try Moto.encrypt(dataKey, arn: arn), keyARN: arn, profile: "deploy")
        #expect(Array(decrypted) == dataKey)
    }

    @Test("a profile's endpoint_url is honoured, against moto")
    func profileEndpoint() async throws {
        let home = try ScratchDirectory("aws-chain-endpoint")
        try home.write(".aws/config", """
            [profile local]
            aws_access_key_id = AKIDLOCAL
            aws_secret_access_key = local-secret
            endpoint_url = \(try Moto.endpoint())
            """)
        let arn = try Moto.createKey()
        let dataKey = randomDataKey()
        let decrypted = try await AWSKMSClient(session: testSession(home: home))
            .decrypt(ciphertextBlob: try Moto.encrypt(dataKey, arn: arn), keyARN: arn, profile: "local")
        #expect(Array(decrypted) == dataKey)
    }

    @Test("unusable profiles fail with the reason: missing, credential_process, a source_profile cycle")
    func unusableProfiles() async throws {
        let home = try ScratchDirectory("aws-chain-bad")
        try home.write(".aws/config", """
            [profile process]
            credential_process = /usr/bin/get-credentials
            [profile a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = a
            """)
        for (profile, expected) in [("absent", "does not exist"), ("process", "credential_process"), ("a", "cycle")] {
            let error = await #expect(throws: KMSError.self) { try await chain(home, [:]).resolve(profile: profile) }
            #expect(error?.code == .invalidCredentials)
            #expect(error?.message.contains(expected) == true, "\(profile): \(error?.message ?? "")")
        }
        let named = await #expect(throws: KMSError.self) { try await chain(home, ["AWS_PROFILE": "absent"]).resolve() }
        #expect(named?.code == .invalidCredentials)
    }

    @Test("container credentials endpoint with the token file, cached until shortly before expiry, against a local container-credentials stand-in")
    func containerCredentials() async throws {
        let home = try ScratchDirectory("aws-chain-container")
        let standIn = try StandIn(.awsMetadata, config: [
            "container_authorization": "pod-identity-token",
            "container_credentials": ["AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret", "Token": "container-session"],
        ])
        let tokenFile = try home.write("eks-token", "pod-identity-token\n", mode: 0o600)
        let variables = [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.httpURL + "/container/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-file-set",
        ]
        let session = testSession(home: home, variables)
        let first = try await AWSCredentialChain(session: session, region: region).resolve()
        #expect(first.accessKeyID == "ASIACONTAINER")
        #expect(first.isTemporary)
        #expect(first.source.contains("container credentials endpoint"))
        _ = try await AWSCredentialChain(session: session, region: region).resolve()
        let requests = try await standIn.requests(matching: "/container/")
        #expect(requests.count == 1, "credentials valid for an hour are cached")
        #expect(requests.first?["headers"]?["Authorization"]?.stringValue == "pod-identity-token")

        // Credentials expiring within the refresh window are fetched again.
        try await standIn.configure(["lifetime_seconds": 120])
        let shortLived = testSession(home: home, variables)
        _ = try await AWSCredentialChain(session: shortLived, region: region).resolve()
        _ = try await AWSCredentialChain(session: shortLived, region: region).resolve()
        #expect(try await standIn.requests(matching: "/container/").count == 3)

        // The token variable works without the file; a wrong token is refused without echoing it.
        let wrong = testSession(home: home, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.httpURL + "/container/credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong-token",
        ])
        let error = await #expect(throws: KMSError.self) { try await AWSCredentialChain(session: wrong, region: region).resolve() }
        #expect(error?.code == .accessDenied)
        #expect(error?.description.contains("wrong-token") == false)
    }

    @Test("a plain-http container endpoint outside loopback and the ECS/EKS addresses is refused")
    func containerEndpointValidation() async throws {
        let home = try ScratchDirectory("aws-chain-container-bad")
        let error = await #expect(throws: KMSError.self) {
            try await chain(home, ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example.com/creds"]).resolve()
        }
        #expect(error?.code == .invalidCredentials)
        #expect(error?.message.contains("https") == true)
    }

    @Test("EC2 IMDSv2: session token, role name, role credentials, against a local IMDS stand-in")
    func instanceMetadata() async throws {
        let home = try ScratchDirectory("aws-chain-imds")
        let standIn = try StandIn(.awsMetadata, config: [
            "imds_role": "web-server",
            "imds_credentials": ["AccessKeyId": "ASIAINSTANCE", "SecretAccessKey": "instance-secret", "Token": "instance-session"],
        ])
        let credentials = try await chain(home, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.httpURL]).resolve()
        #expect(credentials.accessKeyID == "ASIAINSTANCE")
        #expect(credentials.source == "EC2 instance metadata role web-server")
        let requests = try await standIn.requests()
        #expect(requests.map { "\($0["method"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")" } == [
            "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/web-server",
        ])
        #expect(requests.first?["headers"]?["X-aws-ec2-metadata-token-ttl-seconds"]?.stringValue == "21600")
        #expect(requests.dropFirst().allSatisfy { $0["headers"]?["X-aws-ec2-metadata-token"]?.stringValue?.hasPrefix("imds-") == true })
    }

    @Test("no credentials anywhere: the error lists every source tried, against a local IMDS stand-in without a role")
    func noCredentials() async throws {
        let home = try ScratchDirectory("aws-chain-none")
        let standIn = try StandIn(.awsMetadata, config: ["imds_role": .null])
        let error = await #expect(throws: KMSError.self) {
            try await chain(home, ["AWS_EC2_METADATA_SERVICE_ENDPOINT": standIn.httpURL]).resolve()
        }
        #expect(error?.code == .noCredentials)
        for source in ["environment variables", "web identity", "shared files", "container credentials endpoint", "EC2 instance metadata", "no IAM role"] {
            #expect(error?.message.contains(source) == true, "missing \(source) in: \(error?.message ?? "")")
        }
        let unreachable = await #expect(throws: KMSError.self) { try await chain(home, [:]).resolve() }
        #expect(unreachable?.code == .noCredentials)
        #expect(unreachable?.isTransient == false)
        let disabled = await #expect(throws: KMSError.self) { try await chain(home, ["AWS_EC2_METADATA_DISABLED": "true"]).resolve() }
        #expect(disabled?.message.contains("AWS_EC2_METADATA_DISABLED") == true)
    }

    @Test("container credentials decrypt end to end, against a container-credentials stand-in and moto")
    func containerEndToEnd() async throws {
        let home = try ScratchDirectory("aws-chain-container-kms")
        let standIn = try StandIn(.awsMetadata, config: [
            "container_credentials": ["AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret", "Token": "container-session"],
        ])
        let arn = try Moto.createKey(region: "ap-southeast-2")
        let dataKey = randomDataKey()
        let session = testSession(home: home, [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.httpURL + "/container/credentials", "AWS_ENDPOINT_URL": try Moto.endpoint(),
        ])
        let decrypted = try await AWSKMSClient(session: session).decrypt(ciphertextBlob: try Moto.encrypt(dataKey, arn: arn), keyARN: arn)
        #expect(Array(decrypted) == dataKey)
    }
}
