import CryptoPrimitives
import JSON

/// Compact JWS with RS256 (RSASSA-PKCS1-v1_5 over SHA-256), for OAuth 2.0 assertions: GCP
/// service-account grants and Azure client-certificate credentials.
enum JSONWebToken {
    static func signRS256(header: JSONObject, claims: JSONObject, key: RSAPrivateKey) throws(CryptoError) -> String {
        let serializer = JSONSerializer()
        let signingInput = Base64Coding.encodeURL(serializer.serialize(.object(header))) + "."
            + Base64Coding.encodeURL(serializer.serialize(.object(claims)))
        let signature = try key.signPKCS1v15(Array(signingInput.utf8), digest: .sha256)
        return signingInput + "." + Base64Coding.encodeURL(signature)
    }
}
