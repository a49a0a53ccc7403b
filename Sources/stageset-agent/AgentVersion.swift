/// The agent's version: the single place it is set; `make deb` reads it for the package version.
enum AgentVersion {
    static let current = "0.1.0"
}
