#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where KMS and STS requests go, resolved like the AWS SDKs: `AWS_ENDPOINT_URL_<SERVICE>`, then
/// `AWS_ENDPOINT_URL`, then the profile's `endpoint_url` (all ignored when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else the regional endpoint of the key's partition
/// (`kms-fips.` when `AWS_USE_FIPS_ENDPOINT=true`).
enum AWSEndpoints {
    static func url(
        service: String, region: String, partition: AWSKeyARN, environment: KMSEnvironment, profile: AWSSharedConfiguration.Profile?,
        key: String
    ) throws(KMSError) -> URL {
        var configured: (String, String)?
        let ignore = environment.isEnabled("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            || profile?["ignore_configured_endpoint_urls"]?.lowercased() == "true"
        if !ignore {
            if let value = environment["AWS_ENDPOINT_URL_" + service.uppercased()] {
                configured = (value, "AWS_ENDPOINT_URL_" + service.uppercased())
            } else if let value = environment["AWS_ENDPOINT_URL"] {
                configured = (value, "AWS_ENDPOINT_URL")
            } else if let value = profile?["endpoint_url"] {
                configured = (value, "endpoint_url of profile \"\(profile!.name)\"")
            }
        }
        if let (value, origin) = configured {
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                url.host(percentEncoded: false)?.isEmpty == false
            else {
                throw KMSError(.invalidKeyReference, provider: .awsKMS, key: key, "\(origin) is not an http(s) URL: \(value)")
            }
            return url
        }
        let fips = environment.isEnabled("AWS_USE_FIPS_ENDPOINT") ? "-fips" : ""
        guard AWSKeyARN.isHostLabel(Substring(region)), let url = URL(string: "https://\(service)\(fips).\(region).\(partition.dnsSuffix)/") else {
            throw KMSError(.invalidKeyReference, provider: .awsKMS, key: key, "the region \"\(region)\" is not a valid AWS region name")
        }
        return url
    }
}
