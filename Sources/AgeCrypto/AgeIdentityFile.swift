/// age identity files (`keys.txt`, Flux `*.agekey`): one `AGE-SECRET-KEY-1…` per line, `#` comments
/// and blank lines ignored. Surrounding whitespace and a CR before the LF are tolerated.
public enum AgeIdentityFile {
    /// Every identity in `contents`, in file order (possibly none). A bad line fails the whole file with
    /// an error naming its line number and the problem, never its contents.
    public static func parse(_ contents: String) throws(AgeError) -> [AgeX25519Identity] {
        var identities: [AgeX25519Identity] = []
        var bytes = Array(contents.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // Split on LF bytes, not Characters: Swift treats CRLF as one Character.
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = String(decoding: rawLine, as: UTF8.self).trimmingASCIIWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let number = index + 1
            do {
                identities.append(try AgeX25519Identity(line))
            } catch {
                throw AgeError(error.code, "line \(number): \(error.message)")
            }
        }
        return identities
    }
}
