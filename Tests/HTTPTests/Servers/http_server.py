#!/usr/bin/env python3
"""Test HTTP/HTTPS origin server for the HTTP target's tests (stdlib only).

Listens on 127.0.0.1 on an ephemeral port, prints "PORT <n>" and serves until stdin closes.

Routes:
  /echo            any method: JSON with method, path, query, headers, body, TLS SNI, client CN
  /status          ?code=N&body=TEXT&retry_after=V  -> that status, body and Retry-After
  /bytes           ?n=N&chunked=1  -> N bytes where byte i == i % 251
  /sleep           ?seconds=S  -> waits, then 200 (counts as in flight meanwhile)
  /stall           headers and 10 bytes of a 1 MB body, then silence
  /gzip            gzip-encoded text when the client accepts it
  /redirect        ?to=PATH  -> 302 to PATH
  /stats           JSON: TCP connections accepted, requests, requests in flight, handshake failures
"""
import argparse
import gzip
import json
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

PATTERN_BLOCK = bytes(i % 251 for i in range(251 * 261))  # 65511 bytes, a multiple of 251

stats_lock = threading.Lock()
stats = {"connections": 0, "requests": 0, "inflight": 0, "handshake_failures": 0}


def bump(name, delta=1):
    with stats_lock:
        stats[name] += delta


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def setup(self):
        bump("connections")
        super().setup()

    def _query(self):
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)

    def _route(self):
        return urllib.parse.urlsplit(self.path).path

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body=b"", content_type="application/octet-stream", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self):
        bump("requests")
        body = self._read_body()
        route = self._route()
        query = self._query()
        if route == "/echo":
            sni = getattr(self.request, "sni_name", None)
            client_cn = None
            if isinstance(self.request, ssl.SSLSocket):
                cert = self.request.getpeercert()
                if cert:
                    for rdn in cert.get("subject", ()):
                        for key, value in rdn:
                            if key == "commonName":
                                client_cn = value
            payload = {
                "method": self.command,
                "path": route,
                "query": urllib.parse.urlsplit(self.path).query,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "sni": sni,
                "client_cn": client_cn,
            }
            self._send(200, json.dumps(payload).encode(), "application/json",
                       extra=[("X-Multi", "one"), ("X-Multi", "two")])
        elif route == "/status":
            code = int(query.get("code", ["200"])[0])
            text = query.get("body", [""])[0].encode()
            extra = []
            if "retry_after" in query:
                extra.append(("Retry-After", query["retry_after"][0]))
            self._send(code, text, "text/plain", extra)
        elif route == "/bytes":
            self._send_pattern(int(query.get("n", ["0"])[0]), query.get("chunked", ["0"])[0] == "1")
        elif route == "/sleep":
            bump("inflight")
            try:
                time.sleep(float(query.get("seconds", ["30"])[0]))
            finally:
                bump("inflight", -1)
            self._send(200, b"slept", "text/plain")
        elif route == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 20))
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            time.sleep(60)
            self.close_connection = True
        elif route == "/gzip":
            text = b"compressed hello " * 100
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                self._send(200, gzip.compress(text), "text/plain", [("Content-Encoding", "gzip")])
            else:
                self._send(200, text, "text/plain")
        elif route == "/redirect":
            self._send(302, b"", "text/plain", [("Location", query.get("to", ["/echo"])[0])])
        elif route == "/stats":
            with stats_lock:
                snapshot = dict(stats)
            self._send(200, json.dumps(snapshot).encode(), "application/json")
        else:
            self._send(404, b"no such route", "text/plain")

    def _send_pattern(self, total, chunked):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        if self.command == "HEAD":
            return
        remaining = total
        while remaining > 0:
            block = PATTERN_BLOCK[: min(remaining, len(PATTERN_BLOCK))]
            if chunked:
                self.wfile.write(b"%x\r\n" % len(block) + block + b"\r\n")
            else:
                self.wfile.write(block)
            remaining -= len(block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    tls_context = None

    def finish_request(self, request, client_address):
        if self.tls_context is not None:
            try:
                request.settimeout(30)
                request = self.tls_context.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                bump("handshake_failures")
                return
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            try:
                request.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca", help="require client certificates signed by this CA")
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)

        def remember_sni(sock, name, _context):
            sock.sni_name = name

        context.sni_callback = remember_sni
        server.tls_context = context

    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # the test closes stdin (or dies) to stop us


if __name__ == "__main__":
    main()
