import Foundation
import HTTP

/// Decodes the JSON the test server's /echo route returns.
struct Echo: Decodable {
    let method: String
    let path: String
    let query: String
    let headers: [[String]]
    let body: String
    let sni: String?
    let client_cn: String?

    func header(_ name: String) -> [String] {
        headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
    }
}

struct ServerStats: Decodable {
    let connections: Int
    let requests: Int
    let inflight: Int
    let handshake_failures: Int
}

struct ProxyStats: Decodable {
    let connections: Int
    let tunnels: Int
    let forwarded: Int
    let socks: Int
    let targets: [String]
}

extension HTTPResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: body)
    }
}

/// A client that ignores proxies from the environment, as most tests want.
func directClient(_ configure: (inout HTTPClientConfiguration) throws -> Void = { _ in }) throws -> HTTPClient {
    var configuration = HTTPClientConfiguration(proxy: .none)
    try configure(&configuration)
    return try HTTPClient(configuration: configuration)
}

func serverStats(_ server: PythonPeer) async throws -> ServerStats {
    let client = try directClient()
    return try await client.execute(HTTPRequest(url: server.url("/stats"))).requireSuccess().decoded(ServerStats.self)
}

func proxyStats(_ proxy: PythonPeer) async throws -> ProxyStats {
    let client = try directClient()
    return try await client.execute(HTTPRequest(url: proxy.url("/stats"))).requireSuccess().decoded(ProxyStats.self)
}

/// Runs `body` and returns the `HTTPError` it throws, or nil when it succeeds.
func capturedHTTPError(_ body: () async throws -> Void) async -> HTTPError? {
    do {
        try await body()
        return nil
    } catch let error as HTTPError {
        return error
    } catch {
        return HTTPError.status(-1, bodyExcerpt: Array("unexpected error \(error)".utf8), endpoint: nil)
    }
}

/// A TCP port on 127.0.0.1 with nothing listening on it.
func closedLocalPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw PeerError(description: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            guard bind(descriptor, pointer, length) == 0 else { return -1 }
            return getsockname(descriptor, pointer, &length)
        }
    }
    guard bound == 0 else { throw PeerError(description: "bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
