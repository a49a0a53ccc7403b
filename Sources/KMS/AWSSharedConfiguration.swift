/// The AWS shared `credentials` and `config` files (INI): profiles by name, with the config file's
/// `[profile name]` sections and the credentials file's `[name]` sections merged (the credentials
/// file wins for a key both set). Keys are case-insensitive; nested sub-sections are skipped.
struct AWSSharedConfiguration: Sendable {
    /// One profile's settings (lower-cased keys).
    struct Profile: Sendable {
        let name: String
        var values: [String: String]
        /// The files that defined it, for messages.
        var files: [String]

        subscript(_ key: String) -> String? {
            guard let value = values[key], !value.isEmpty else { return nil }
            return value
        }
    }

    let credentialsFile: String?
    let configFile: String?
    private(set) var profiles: [String: Profile] = [:]

    /// Reads both files (missing files are fine); `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`
    /// override `~/.aws/credentials` / `~/.aws/config`.
    init(environment: KMSEnvironment) throws(CredentialFile.Failure) {
        credentialsFile = environment["AWS_SHARED_CREDENTIALS_FILE"].map(environment.expandingHome) ?? environment.homeFile(".aws/credentials")
        configFile = environment["AWS_CONFIG_FILE"].map(environment.expandingHome) ?? environment.homeFile(".aws/config")
        if let configFile, let bytes = try CredentialFile.read(configFile) {
            for (section, values) in Self.parse(String(decoding: bytes, as: UTF8.self)) {
                let name: String
                if section == "default" {
                    name = "default"
                } else if section.hasPrefix("profile ") || section.hasPrefix("profile\t") {
                    name = section.dropFirst(8).trimmingWhitespace()
                } else {
                    continue
                }
                merge(name, values, file: configFile)
            }
        }
        if let credentialsFile, let bytes = try CredentialFile.read(credentialsFile) {
            for (section, values) in Self.parse(String(decoding: bytes, as: UTF8.self)) {
                merge(section, values, file: credentialsFile)
            }
        }
    }

    /// The files that were consulted, for messages.
    var fileList: String {
        [credentialsFile, configFile].compactMap { $0 }.joined(separator: " and ")
    }

    private mutating func merge(_ name: String, _ values: [String: String], file: String) {
        var profile = profiles[name] ?? Profile(name: name, values: [:], files: [])
        for (key, value) in values { profile.values[key] = value }
        if !profile.files.contains(file) { profile.files.append(file) }
        profiles[name] = profile
    }

    /// Sections in file order, each with its `key = value` pairs (later duplicates win).
    static func parse(_ text: String) -> [(String, [String: String])] {
        var sections: [(String, [String: String])] = []
        var current: Int?
        var inNestedBlock = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let isIndented = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { current = nil; continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingWhitespace()
                sections.append((name, [:]))
                current = sections.count - 1
                inNestedBlock = false
                continue
            }
            guard let current else { continue }
            if isIndented && inNestedBlock { continue }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if let comment = value.firstRange(of: " #") ?? value.firstRange(of: "\t#") ?? value.firstRange(of: " ;") {
                value = value[..<comment.lowerBound].trimmingWhitespace()
            }
            inNestedBlock = value.isEmpty
            guard !key.isEmpty, !inNestedBlock else { continue }
            sections[current].1[key] = value
        }
        return sections
    }
}
