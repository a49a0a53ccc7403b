import Foundation
import JSON
import SOPS
import Testing
import TestSupport

/// Flux's decryption contract: marker detection, pass-through, no MAC check, Secret data values,
/// whole-object SOPS documents.
@Suite("Flux-compatible decryption")
struct FluxDecryptionTests {
    func flux(_ peer: SOPSPeer) throws -> FluxDecryption {
        FluxDecryption(decryptor: SOPSDecryptor(keys: try DecryptionKeys.fromPaths([peer.keyFile])))
    }

    @Test("a stage's file map: SOPS files decrypted in their own format, everything else untouched")
    func fileMap() async throws {
        let peer = try SOPSPeer("sops-flux")
        let secret = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", arguments: ["--encrypted-regex", "^(data|stringData)$"])
        let env = try peer.encrypt(Fixtures.dotenv, name: "app.env")
        let json = try peer.encrypt(Fixtures.json, name: "config.json")
        let ini = try peer.encrypt(Fixtures.ini, name: "db.ini")
        let binary = try peer.encrypt(Array("token-value".utf8), name: "token")
        let plainYAML = Array("apiVersion: v1\nkind: ConfigMap\n".utf8)
        let files: [String: [UInt8]] = [
            "base/secret.yaml": secret, "base/app.env": env, "base/config.json": json, "base/db.ini": ini,
            "base/token": binary, "base/configmap.yaml": plainYAML, "README.md": Array("# not yaml\n".utf8),
        ]
        let output = try await flux(peer).decryptFileMap(files)
        #expect(output["base/secret.yaml"] == (try peer.decryptChecked(secret, name: "secret.yaml")))
        #expect(output["base/app.env"] == (try peer.decryptChecked(env, name: "app.env")))
        #expect(output["base/config.json"] == (try peer.decryptChecked(json, name: "config.json")))
        #expect(output["base/db.ini"] == (try peer.decryptChecked(ini, name: "db.ini")))
        #expect(output["base/token"] == binary, "binary files pass through by default")
        #expect(output["base/configmap.yaml"] == plainYAML)
        #expect(output["README.md"] == files["README.md"])

        var options = FluxDecryption.FileMapOptions()
        options.formats.insert(.binary)
        let withBinary = try await flux(peer).decryptFileMap(files, options: options)
        #expect(withBinary["base/token"] == Array("token-value".utf8))
    }

    @Test("Flux never checks the MAC")
    func macNotChecked() async throws {
        let peer = try SOPSPeer("sops-flux")
        let secret = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", arguments: ["--encrypted-regex", "^(data|stringData)$"])
        let edited = Array(secret.text.replacingOccurrences(of: "namespace: default", with: "namespace: edited").utf8)
        let output = try await flux(peer).decryptFileMap(["secret.yaml": edited])
        #expect(output["secret.yaml"]?.text.contains("namespace: edited") == true)
    }

    @Test("marker detection: minified JSON is not detected, metadata detection finds it")
    func markers() async throws {
        let peer = try SOPSPeer("sops-flux")
        let json = try peer.encrypt(Fixtures.json, name: "config.json")
        let value = try JSONParser.parse(json, options: .init(duplicateKeys: .keepLast))
        let minified = JSONSerializer().serialize(value)
        #expect(!SOPSFormat.json.hasFluxMarker(minified))
        #expect(SOPSFormat.json.hasFluxMarker(json))
        let untouched = try await flux(peer).decryptFileMap(["config.json": minified])
        #expect(untouched["config.json"] == minified)
        let found = try await flux(peer).decryptFileMap(["config.json": minified], options: .init(detection: .metadata))
        #expect(found["config.json"] != minified)
        #expect(FluxFormatRules.detectFormat(json) == .json)
        #expect(FluxFormatRules.detectFormat(try peer.encrypt(Fixtures.dotenv, name: "a.env")) == .dotenv)
        #expect(FluxFormatRules.detectFormat(try peer.encrypt(Fixtures.ini, name: "a.ini")) == .ini)
        #expect(FluxFormatRules.detectFormat(try peer.encrypt(Fixtures.kubernetesSecret, name: "a.yaml")) == .yaml)
        #expect(FluxFormatRules.detectFormat(Array("plain".utf8)) == nil)
    }

    @Test("Flux format rules for generator keys, env files and patches")
    func formatRules() {
        #expect(FluxFormatRules.formatForKey("realm.json") == .json)
        #expect(FluxFormatRules.formatForKey(".dockerconfigjson") == .json)
        #expect(FluxFormatRules.formatForKey("token") == .binary)
        #expect(FluxFormatRules.formatForKey("app.env") == .dotenv)
        #expect(FluxFormatRules.formatForEnvFile("secrets.txt") == .dotenv)
        #expect(FluxFormatRules.formatForEnvFile("secrets.yaml") == .yaml)
        #expect(FluxFormatRules.formatForPatch("patch.yaml") == .yaml)
        #expect(FluxFormatRules.formatForPatch("patch.txt") == .binary)
    }

    @Test("a decryption failure in the file map names the file and stops")
    func fileMapFailure() async throws {
        let peer = try SOPSPeer("sops-flux")
        let other = try SOPSPeer("sops-flux-other")
        let secret = try other.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml")
        let error = await #expect(throws: SOPSError.self) {
            try await flux(peer).decryptFileMap(["stage/secret.yaml": secret])
        }
        #expect(error?.code == .noKeyDecrypted)
        #expect(error?.file == "stage/secret.yaml")
    }

    @Test("post-build: Secret data values carrying markers are decrypted into the data key's format")
    func secretDataValues() async throws {
        let peer = try SOPSPeer("sops-flux")
        let env = try peer.encrypt(Fixtures.dotenv, name: "app.env")
        let json = try peer.encrypt(Fixtures.json, name: "realm.json")
        let binary = try peer.encrypt(Array("s3cr3t-token".utf8), name: "token")
        let object: JSONValue = [
            "apiVersion": "v1", "kind": "Secret",
            "metadata": ["name": "app", "namespace": "prod"],
            "data": [
                "app.env": .string(Data(env).base64EncodedString()),
                "realm.json": .string(Data(json).base64EncodedString()),
                "token": .string(Data(binary).base64EncodedString()),
                "plain": .string(Data("hello".utf8).base64EncodedString()),
                "notbase64": "%%%",
            ],
        ]
        let decrypted = try #require(try await flux(peer).decryptObject(object))
        func data(_ key: String) -> [UInt8]? {
            decrypted["data"]?[key]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) }
        }
        #expect(data("app.env") == (try peer.decryptChecked(env, name: "app.env")))
        #expect(data("realm.json") == (try peer.decryptChecked(json, name: "realm.json")))
        #expect(data("token") == Array("s3cr3t-token".utf8))
        #expect(data("plain") == Array("hello".utf8))
        #expect(decrypted["data"]?["notbase64"] == "%%%")
    }

    @Test("post-build: a whole-object SOPS document is decrypted as JSON; opt-out is honoured")
    func wholeObject() async throws {
        let peer = try SOPSPeer("sops-flux")
        let encrypted = try peer.encrypt(Fixtures.kubernetesSecret, name: "secret.yaml", arguments: ["--encrypted-regex", "^(data|stringData)$"])
        let file = try SOPSFile(bytes: encrypted, format: .yaml)
        #expect(file.metadata.masterKeys.count == 1)
        // The object as kustomize hands it over: the YAML document as JSON.
        let json = try peer.encrypt(Array(#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "pw"}}"#.utf8),
            name: "secret.json", arguments: ["--encrypted-regex", "^(data|stringData)$"])
        let object = try JSONParser.parse(json)
        #expect(FluxDecryption.isSOPSEncryptedObject(object))
        #expect(FluxDecryption.isUndecryptedSecret(object))
        let decrypted = try #require(try await flux(peer).decryptObject(object))
        #expect(decrypted["stringData"]?["password"] == "pw")
        #expect(decrypted["sops"] == nil)
        #expect(!FluxDecryption.isUndecryptedSecret(decrypted))

        var disabled = object
        disabled["metadata"] = ["name": "s", "annotations": ["kustomize.toolkit.fluxcd.io/decrypt": "Disabled"]]
        #expect(try await flux(peer).decryptObject(disabled) == nil)
        #expect(!FluxDecryption.isUndecryptedSecret(disabled))
        #expect(try await flux(peer).decryptObject(["kind": "ConfigMap", "data": ["a": "b"]]) == nil)
    }
}
