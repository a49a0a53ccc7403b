import CryptoPrimitives

/// Recovers a file's data key: inside each key group the master keys are tried in sops' default
/// order (age, then pgp, then the others, file order within a type) until one unwraps the group's
/// secret; one group yields the data key itself, several groups are Shamir shares combined once
/// `shamir_threshold` groups succeeded.
enum DataKeyRecovery {
    static func recover(_ metadata: SOPSMetadata, decrypters: [any MasterKeyDecrypter]) async throws(SOPSError) -> SecureBytes {
        let all: [any MasterKeyDecrypter] = decrypters + [UnsupportedMasterKeyDecrypter()]
        let groups = metadata.keyGroups
        let threshold = groups.count > 1 ? (metadata.shamirThreshold > 0 ? metadata.shamirThreshold : groups.count) : 1
        var shares: [SecureBytes] = []
        var report: [String] = []
        var onlyUnsupported = true
        for (index, group) in groups.enumerated() {
            if shares.count >= threshold { break }
            let ordered = group.enumerated().sorted {
                ($0.element.decryptionPriority, $0.offset) < ($1.element.decryptionPriority, $1.offset)
            }.map(\.element)
            var failures: [String] = []
            var secret: SecureBytes?
            keys: for key in ordered {
                var handled = false
                for decrypter in all {
                    do {
                        if let unwrapped = try await decrypter.decryptDataKey(key) {
                            secret = unwrapped
                            break keys
                        }
                    } catch let error as SOPSError {
                        handled = true
                        if error.code != .unsupportedKeyType { onlyUnsupported = false }
                        failures.append("\(key): \(error.message)")
                    } catch {
                        handled = true
                        onlyUnsupported = false
                        failures.append("\(key): \(error)")
                    }
                }
                if !handled {
                    onlyUnsupported = false
                    failures.append("\(key): the agent has no \(key.typeName) keys or service configured")
                }
            }
            if let secret {
                shares.append(secret)
                report.append("group \(index): SUCCESS")
            } else {
                if group.isEmpty {
                    onlyUnsupported = false
                    failures.append("the group lists no master keys")
                }
                report.append("group \(index): FAILED (" + failures.joined(separator: "; ") + ")")
            }
        }
        let held = decrypters.map(\.holdings).filter { !$0.isEmpty }
        let holdings = held.isEmpty ? "the agent holds no decryption keys" : "the agent holds " + held.joined(separator: ", ")
        if groups.count == 1 {
            guard let dataKey = shares.first else {
                throw SOPSError(onlyUnsupported ? .unsupportedKeyType : .noKeyDecrypted,
                    "no master key could decrypt the data key: " + report.joined(separator: "; ") + "; " + holdings)
            }
            return try checked(dataKey)
        }
        guard shares.count >= threshold else {
            throw SOPSError(onlyUnsupported ? .unsupportedKeyType : .noKeyDecrypted,
                "the data key needs \(threshold) of \(groups.count) key groups (shamir_threshold), but only \(shares.count) could be decrypted: "
                    + report.joined(separator: "; ") + "; " + holdings)
        }
        let combined: SecureBytes
        do {
            combined = try ShamirSecretSharing.combine(shares)
        } catch {
            throw SOPSError(.noKeyDecrypted, "cannot combine the Shamir shares of the key groups: \(error.message)")
        }
        return try checked(combined)
    }

    private static func checked(_ key: SecureBytes) throws(SOPSError) -> SecureBytes {
        guard [16, 24, 32].contains(key.count) else {
            throw SOPSError(.noKeyDecrypted, "the recovered data key is \(key.count) bytes long; AES needs 16, 24 or 32")
        }
        return key
    }
}
