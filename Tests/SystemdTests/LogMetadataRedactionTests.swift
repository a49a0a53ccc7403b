import Logging
import Systemd
import Testing

@Suite struct LogMetadataRedactionTests {
    @Test func keysNamingSecretValuesAreSensitive() {
        let redaction = LogMetadataRedaction.standard
        for key in ["password", "PASSWORD", "db_password", "passwd", "passphrase", "token", "bearerToken", "BEARER_TOKEN",
            "secret", "clientSecret", "AGE_SECRET", "key", "apiKey", "api-key", "agekey", "privateKey", "private.key",
            "credentials", "Authorization", "cookie", "sops-age.agekey"]
        {
            #expect(redaction.isSensitive(key: key), "\(key) should be masked")
        }
    }

    @Test func keysThatOnlyNameOrLocateASecretAreKept() {
        let redaction = LogMetadataRedaction.standard
        for key in ["secretName", "SECRET_REF", "token_file", "keyPath", "key_id", "keyFingerprint", "STAGESET", "STAGE",
            "REVISION", "OBJECT", "REASON", "event", "kubeconfig", "keystone", "monkeyId", "namespace"]
        {
            #expect(!redaction.isSensitive(key: key), "\(key) should be kept")
        }
    }

    @Test func redactionMasksValuesAndRecursesIntoDictionaries() {
        let redacted = LogMetadataRedaction.standard.redact([
            "token": "t", "STAGE": "app", "nested": ["password": "p", "inner": ["secret": "s", "ok": "v"]],
        ])
        #expect(redacted["token"] == .string(LogMetadataRedaction.mask))
        #expect(redacted["STAGE"] == "app")
        guard case .dictionary(let nested)? = redacted["nested"], case .dictionary(let inner)? = nested["inner"] else {
            Issue.record("nested dictionaries must stay dictionaries")
            return
        }
        #expect(nested["password"] == .string("<redacted>"))
        #expect(inner["secret"] == .string("<redacted>"))
        #expect(inner["ok"] == "v")
    }

    @Test func journalFieldNamesForMetadataKeys() {
        #expect(JournalFieldName.forMetadataKey("STAGESET") == "STAGESET")
        #expect(JournalFieldName.forMetadataKey("OBJECT") == "OBJECT")
        #expect(JournalFieldName.forMetadataKey("event") == "AGENT_EVENT")
        #expect(JournalFieldName.forMetadataKey("durationSeconds") == "AGENT_DURATION_SECONDS")
        #expect(JournalFieldName.forMetadataKey("object-count") == "AGENT_OBJECT_COUNT")
        #expect(JournalFieldName.forMetadataKey("http.status") == "AGENT_HTTP_STATUS")
        #expect(JournalFieldName.forMetadataKey("MESSAGE_ID") == "AGENT_MESSAGE_ID")
        #expect(JournalFieldName.forMetadataKey("_SYSTEMD_UNIT") == "AGENT_SYSTEMD_UNIT")
        #expect(JournalFieldName.forMetadataKey("ünïcode key") == "AGENT_N_CODE_KEY")
        #expect(JournalFieldName.forMetadataKey("---") == "AGENT_FIELD")
        #expect(JournalFieldName.forMetadataKey(String(repeating: "a", count: 100)).count == 64)
        #expect(JournalFieldName.isValid("STAGE_2"))
        #expect(!JournalFieldName.isValid("_STAGE"))
        #expect(!JournalFieldName.isValid("2STAGE"))
        #expect(!JournalFieldName.isValid("Stage"))
    }
}
