#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The AWS SDKs' default credential chain, in their order: environment keys; web identity
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` → STS `AssumeRoleWithWebIdentity`); the shared
/// `credentials`/`config` files (static keys, `role_arn` with `source_profile` or
/// `credential_source`, `web_identity_token_file`); the container credentials endpoint; EC2 IMDSv2.
/// The first configured source is used (its failure is reported, not skipped). A profile named by
/// the key's `aws_profile` is used directly, as the SDKs do for a profile set in code.
/// Temporary credentials are cached in the session until shortly before they expire.
public struct AWSCredentialChain: Sendable {
    let session: KMSSession
    /// The signing region for STS (the KMS key's region, as sops configures the SDK).
    let region: String
    let partition: AWSKeyARN
    /// The KMS key being decrypted, for messages.
    let key: String

    /// A chain for keys in `region` of the standard `aws` partition (or the partition of `keyARN`).
    public init(session: KMSSession, region: String, keyARN: String? = nil) {
        self.session = session
        self.region = region
        self.partition = keyARN.flatMap(AWSKeyARN.init) ?? AWSKeyARN(partition: "aws", region: region)
        self.key = keyARN ?? ""
    }

    init(session: KMSSession, arn: AWSKeyARN, key: String) {
        self.session = session
        self.region = arn.region
        self.partition = arn
        self.key = key
    }

    /// Resolves credentials: from `profile` alone when given, else through the whole chain.
    public func resolve(profile: String? = nil) async throws(KMSError) -> AWSCredentials {
        let environment = session.environment
        if let profile, !profile.isEmpty {
            var tried: [String] = []
            return try await fromProfile(profile, explicitlyNamed: true, visited: [], tried: &tried)
        }
        var tried: [String] = []
        if let accessKeyID = environment["AWS_ACCESS_KEY_ID"] ?? environment["AWS_ACCESS_KEY"] {
            if let secret = environment["AWS_SECRET_ACCESS_KEY"] ?? environment["AWS_SECRET_KEY"] {
                return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"],
                    source: "environment variables")
            }
            tried.append("environment variables (AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY)")
        } else {
            tried.append("environment variables (AWS_ACCESS_KEY_ID not set)")
        }
        if let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] {
            guard let roleARN = environment["AWS_ROLE_ARN"] else {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
            }
            return try await webIdentity(tokenFile: tokenFile, roleARN: roleARN, sessionName: environment["AWS_ROLE_SESSION_NAME"], profile: nil)
        }
        tried.append("web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)")
        let named = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"]
        return try await fromProfile(named ?? "default", explicitlyNamed: named != nil, visited: [], tried: &tried)
    }

    // MARK: - Shared files

    private func loadSharedConfiguration() throws(KMSError) -> AWSSharedConfiguration {
        do {
            return try AWSSharedConfiguration(environment: session.environment)
        } catch {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "cannot read the AWS shared configuration: \(error)")
        }
    }

    /// The profile's settings (for endpoint resolution), `nil` when it does not exist.
    func profileSettings(_ name: String?) throws(KMSError) -> AWSSharedConfiguration.Profile? {
        let environment = session.environment
        let profileName = name.flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        return try loadSharedConfiguration().profiles[profileName]
    }

    private func fromProfile(_ name: String, explicitlyNamed: Bool, visited: [String], tried: inout [String]) async throws(KMSError)
        -> AWSCredentials
    {
        let configuration = try loadSharedConfiguration()
        guard let profile = configuration.profiles[name] else {
            let files = configuration.fileList.isEmpty ? "no home directory" : configuration.fileList
            if explicitlyNamed {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "the AWS profile \"\(name)\" does not exist in \(files)")
            }
            tried.append("shared files (no profile \"\(name)\" in \(files))")
            return try await containerOrInstance(tried: &tried)
        }
        let described = "profile \"\(name)\" in \(profile.files.joined(separator: " and "))"
        guard !visited.contains(name) else {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                "the AWS profiles form a source_profile cycle: \((visited + [name]).joined(separator: " → "))")
        }
        let roleARN = profile["role_arn"]
        let base: AWSCredentials
        if let source = profile["source_profile"], roleARN != nil {
            if source == name {
                guard let staticKeys = staticCredentials(profile, described: described) else {
                    throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "\(described) is its own source_profile but has no access keys")
                }
                base = staticKeys
            } else {
                base = try await fromProfile(source, explicitlyNamed: true, visited: visited + [name], tried: &tried)
            }
        } else if let staticKeys = staticCredentials(profile, described: described) {
            base = staticKeys
        } else if let credentialSource = profile["credential_source"] {
            switch credentialSource {
            case "Environment":
                let environment = session.environment
                guard let accessKeyID = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
                    throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                        "\(described) uses credential_source Environment, but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
                }
                base = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"],
                    source: "environment variables")
            case "Ec2InstanceMetadata":
                base = try await AWSInstanceMetadataCredentials(session: session, key: key).fetch()
            case "EcsContainer":
                base = try await AWSContainerCredentials(session: session, key: key).fetch()
            default:
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                    "\(described) has an unknown credential_source \"\(credentialSource)\" (Environment, Ec2InstanceMetadata or EcsContainer)")
            }
        } else if let tokenFile = profile["web_identity_token_file"] {
            guard let roleARN else {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "\(described) sets web_identity_token_file without role_arn")
            }
            return try await webIdentity(tokenFile: session.environment.expandingHome(tokenFile), roleARN: roleARN,
                sessionName: profile["role_session_name"], profile: profile)
        } else if profile["credential_process"] != nil {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                "\(described) uses credential_process, which this agent does not run; use static keys, a role or instance credentials")
        } else if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                "\(described) uses AWS IAM Identity Center (SSO), which this agent does not support")
        } else if roleARN != nil {
            throw KMSError(.invalidCredentials, provider: .awsKMS, key: key,
                "\(described) sets role_arn without source_profile, credential_source or web_identity_token_file")
        } else {
            tried.append("shared files (\(described) has no credentials)")
            base = try await containerOrInstance(tried: &tried)
        }
        guard let roleARN else { return base }
        let sessionName = profile["role_session_name"] ?? "stageset-agent-\(Int(Date().timeIntervalSince1970 * 1000))"
        let sts = AWSSecurityTokenService(session: session, endpoint: try stsEndpoint(profile: profile), region: region, key: key)
        let cacheKey = ["role", roleARN, profile["external_id"] ?? "", base.cacheIdentity, sts.endpoint.absoluteString].joined(separator: "|")
        return try await session.awsCredentials.value(for: cacheKey) { () async throws(KMSError) -> (AWSCredentials, Date?) in
            let assumed = try await sts.assumeRole(
                roleARN: roleARN, sessionName: sessionName, credentials: base, externalID: profile["external_id"],
                durationSeconds: profile["duration_seconds"])
            return (assumed.described(as: "\(assumed.source) (\(described))"), assumed.expiration)
        }
    }

    private func staticCredentials(_ profile: AWSSharedConfiguration.Profile, described: String) -> AWSCredentials? {
        guard let accessKeyID = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] else { return nil }
        return AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: profile["aws_session_token"], source: described)
    }

    // MARK: - Other sources

    private func containerOrInstance(tried: inout [String]) async throws(KMSError) -> AWSCredentials {
        let environment = session.environment
        if AWSContainerCredentials.isConfigured(environment) {
            return try await AWSContainerCredentials(session: session, key: key).fetch()
        }
        tried.append("container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set)")
        if environment.isEnabled("AWS_EC2_METADATA_DISABLED") {
            tried.append("EC2 instance metadata (AWS_EC2_METADATA_DISABLED=true)")
            throw noCredentials(tried)
        }
        let instance = AWSInstanceMetadataCredentials(session: session, key: key)
        do {
            return try await instance.fetch()
        } catch {
            guard error.code == .unavailable || error.code == .noCredentials else { throw error }
            tried.append("EC2 instance metadata at \(instance.baseURL) (\(error.message))")
            throw noCredentials(tried)
        }
    }

    private func noCredentials(_ tried: [String]) -> KMSError {
        KMSError(.noCredentials, provider: .awsKMS, key: key, "no AWS credentials found; tried " + tried.joined(separator: "; "))
    }

    private func webIdentity(tokenFile: String, roleARN: String, sessionName: String?, profile: AWSSharedConfiguration.Profile?)
        async throws(KMSError) -> AWSCredentials
    {
        let sts = AWSSecurityTokenService(session: session, endpoint: try stsEndpoint(profile: profile), region: region, key: key)
        let name = sessionName ?? "stageset-agent-\(Int(Date().timeIntervalSince1970 * 1000))"
        let cacheKey = ["web-identity", roleARN, tokenFile, sts.endpoint.absoluteString].joined(separator: "|")
        return try await session.awsCredentials.value(for: cacheKey) { () async throws(KMSError) -> (AWSCredentials, Date?) in
            let token: String?
            do {
                token = try CredentialFile.readTrimmedText(tokenFile)
            } catch {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "cannot read the web identity token file: \(error)")
            }
            guard let token, !token.isEmpty else {
                throw KMSError(.invalidCredentials, provider: .awsKMS, key: key, "the web identity token file \(tokenFile) does not exist or is empty")
            }
            let credentials = try await sts.assumeRoleWithWebIdentity(roleARN: roleARN, sessionName: name, webIdentityToken: token)
            return (credentials, credentials.expiration)
        }
    }

    func stsEndpoint(profile: AWSSharedConfiguration.Profile?) throws(KMSError) -> URL {
        try AWSEndpoints.url(service: "sts", region: region, partition: partition, environment: session.environment, profile: profile, key: key)
    }
}
