/// The agent's version, stamped by the package build (`make deb` rewrites it).
enum AgentVersion {
    static let current = "0.1.0"
}
