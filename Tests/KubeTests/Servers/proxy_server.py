#!/usr/bin/env python3
"""Test forward proxy for the HTTP target's tests (stdlib only).

Listens on 127.0.0.1 on an ephemeral port, prints "PORT <n>" and serves until stdin closes.
Speaks, on the same port: HTTP CONNECT tunnels, absolute-form HTTP forwarding, and SOCKS5
(CONNECT, no authentication). With --cert/--key the listener is TLS (an https:// proxy).
Only relays to loopback addresses or to names given with --map NAME=127.0.0.1.
GET /stats (origin-form) answers JSON: connections, tunnels, forwarded, socks, targets.
"""
import argparse
import json
import select
import socket
import socketserver
import ssl
import struct
import sys
import threading

stats_lock = threading.Lock()
stats = {"connections": 0, "tunnels": 0, "forwarded": 0, "socks": 0, "targets": []}
name_map = {}
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def record(kind, target):
    with stats_lock:
        stats[kind] += 1
        stats["targets"].append(target)


def resolve(host):
    host = host.strip("[]").lower()
    if host in name_map:
        return name_map[host]
    if host in LOOPBACK:
        return host
    return None


def connect(host, port):
    address = resolve(host)
    if address is None:
        return None
    return socket.create_connection((address, port), timeout=10)


def relay(a, b):
    a.settimeout(None)
    b.settimeout(None)
    sockets = [a, b]
    while True:
        ready = [s for s in sockets if isinstance(s, ssl.SSLSocket) and s.pending()]
        if not ready:
            ready, _, _ = select.select(sockets, [], [], 120)
            if not ready:
                return
        for source in ready:
            target = b if source is a else a
            try:
                data = source.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                target.sendall(data)
            except OSError:
                return


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
        if len(data) > 65536:
            return None, b""
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def split_host_port(authority, default_port):
    if authority.startswith("["):
        host, _, port = authority[1:].partition("]")
        port = port.lstrip(":")
    else:
        host, _, port = authority.rpartition(":") if ":" in authority else (authority, "", "")
    return host, int(port) if port else default_port


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        with stats_lock:
            stats["connections"] += 1
        sock = self.request
        if self.server.tls_context is not None:
            try:
                sock = self.server.tls_context.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError):
                return
        try:
            first = sock.recv(1, socket.MSG_PEEK) if not isinstance(sock, ssl.SSLSocket) else None
            if first == b"\x05":
                self.socks5(sock)
            else:
                self.http(sock)
        except OSError:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def http(self, sock):
        head, rest = read_head(sock)
        if head is None:
            return
        lines = head.split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = lines[1:]
        if method == "CONNECT":
            host, port = split_host_port(target, 443)
            upstream = connect(host, port)
            if upstream is None:
                sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            record("tunnels", "%s:%d" % (host, port))
            sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            relay(sock, upstream)
            upstream.close()
        elif target.startswith("http://"):
            without_scheme = target[len("http://"):]
            authority, slash, path = without_scheme.partition("/")
            host, port = split_host_port(authority, 80)
            upstream = connect(host, port)
            if upstream is None:
                sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            record("forwarded", "%s:%d" % (host, port))
            kept = [h for h in headers
                    if not h.lower().startswith(("connection:", "proxy-connection:", "proxy-authorization:"))]
            kept.append("Connection: close")
            request = "%s /%s %s\r\n%s\r\n\r\n" % (method, path, version, "\r\n".join(kept))
            upstream.sendall(request.encode("latin-1") + rest)
            relay(sock, upstream)
            upstream.close()
        elif target == "/stats":
            with stats_lock:
                body = json.dumps(stats).encode()
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n%s" % (len(body), body))
        else:
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def socks5(self, sock):
        def read_exact(count):
            data = b""
            while len(data) < count:
                chunk = sock.recv(count - len(data))
                if not chunk:
                    raise OSError("short read")
                data += chunk
            return data

        version, method_count = read_exact(2)
        read_exact(method_count)
        sock.sendall(b"\x05\x00")
        version, command, _, address_type = read_exact(4)
        if address_type == 1:
            host = socket.inet_ntop(socket.AF_INET, read_exact(4))
        elif address_type == 3:
            host = read_exact(read_exact(1)[0]).decode()
        elif address_type == 4:
            host = socket.inet_ntop(socket.AF_INET6, read_exact(16))
        else:
            return
        port = struct.unpack("!H", read_exact(2))[0]
        upstream = connect(host, port) if command == 1 else None
        if upstream is None:
            sock.sendall(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")
            return
        record("socks", "%s:%d" % (host, port))
        sock.sendall(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        relay(sock, upstream)
        upstream.close()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    tls_context = None

    def handle_error(self, request, client_address):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--map", action="append", default=[], help="NAME=ADDRESS")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    for entry in args.map:
        name, _, address = entry.partition("=")
        name_map[name.lower()] = address

    server = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.tls_context = context
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
