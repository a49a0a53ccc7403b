"""Shared plumbing of the local stand-in servers (test-only; loopback only).

Every stand-in listens on 127.0.0.1 on a free port, prints `PORT <n>` as its first line and exits
when its standard input closes (the TestSupport LinePeer contract). One port speaks both plain
HTTP and, when --tls-cert/--tls-key are given, HTTPS: the first byte of each connection decides
(0x16 = TLS handshake). Control endpoints used by the tests:

  POST /_control/config    merge a JSON object into the server's configuration
  POST /_control/faults    queue canned responses: {"match": "<path substring>",
                           "responses": [{"status": 503, "body": {...}, "headers": {...}}, ...]}
  GET  /_control/requests  every request seen so far (method, path, headers, body text)
  POST /_control/call      run a server-side helper, e.g. {"op": "encrypt", ...} (stand-in specific)
"""
import argparse
import base64
import http.server
import json
import os
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.parse


class StandInServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, config, ssl_context):
        super().__init__(("127.0.0.1", 0), handler)
        self.config = config
        self.ssl_context = ssl_context
        self.lock = threading.Lock()
        self.requests = []
        self.faults = []
        self.tokens = {}  # issued bearer token -> {"principal": ..., "scope": ...}
        self.state = {}

    def finish_request(self, request, client_address):
        if self.ssl_context is not None:
            try:
                first = request.recv(1, socket.MSG_PEEK)
            except OSError:
                return
            if first == b"\x16":
                try:
                    request = self.ssl_context.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError):
                    return
        self.RequestHandlerClass(request, client_address, self)

    def issue_token(self, principal, **details):
        token = "tok-" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = dict(principal=principal, issued=time.time(), **details)
        return token


class StandInHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "StandIn/1.0"

    def log_message(self, format, *args):
        pass

    # -- helpers -----------------------------------------------------------------------------

    @property
    def config(self):
        return self.server.config

    def is_tls(self):
        return isinstance(self.connection, ssl.SSLSocket)

    def body_bytes(self):
        if not hasattr(self, "_body"):
            length = int(self.headers.get("Content-Length") or 0)
            self._body = self.rfile.read(length) if length else b""
        return self._body

    def json_body(self):
        try:
            return json.loads(self.body_bytes() or b"{}")
        except ValueError:
            return None

    def form_body(self):
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.body_bytes().decode(), keep_blank_values=True).items()}

    def query(self):
        return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True).items()}

    def route(self):
        return urllib.parse.urlsplit(self.path).path

    def reply(self, status, body=None, headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body or b""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def bearer(self):
        value = self.headers.get("Authorization") or ""
        if not value.startswith("Bearer "):
            return None, None
        token = value[len("Bearer "):]
        with self.server.lock:
            return token, self.server.tokens.get(token)

    # -- dispatch ----------------------------------------------------------------------------

    def handle_any(self):
        self.__dict__.pop("_body", None)  # the handler object lives as long as a keep-alive connection
        body = self.body_bytes()
        route = self.route()
        if route.startswith("/_control/"):
            return self.control(route)
        with self.server.lock:
            self.server.requests.append({
                "method": self.command, "path": self.path, "tls": self.is_tls(),
                "headers": {k: v for k, v in self.headers.items()}, "body": body.decode("utf-8", "replace"),
            })
            fault = None
            for index, queued in enumerate(self.server.faults):
                if queued["match"] in self.path and queued["responses"]:
                    fault = queued["responses"].pop(0)
                    break
        if fault is not None:
            return self.reply(fault.get("status", 500), fault.get("body", {}), fault.get("headers"))
        try:
            self.handle_service()
        except Exception as error:  # a stand-in bug must show up as a failing request, not a hang
            self.reply(599, {"standin_error": repr(error)})

    def control(self, route):
        if route == "/_control/config":
            update = self.json_body() or {}
            with self.server.lock:
                self.server.config.update(update)
            return self.reply(200, {"ok": True})
        if route == "/_control/faults":
            fault = self.json_body() or {}
            with self.server.lock:
                self.server.faults.append({"match": fault.get("match", ""), "responses": list(fault.get("responses", []))})
            return self.reply(200, {"ok": True})
        if route == "/_control/requests":
            with self.server.lock:
                return self.reply(200, list(self.server.requests))
        if route == "/_control/call":
            return self.reply(200, self.call(self.json_body() or {}))
        return self.reply(404, {"error": "unknown control route"})

    def call(self, request):
        return {"error": "no helpers"}

    def handle_service(self):
        self.reply(404, {"error": "not found"})

    do_GET = handle_any
    do_POST = handle_any
    do_PUT = handle_any
    do_DELETE = handle_any


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_rs256(token, public_key):
    """Verifies a compact RS256 JWS with `cryptography`; returns (header, claims) or raises ValueError."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.exceptions import InvalidSignature
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS")
    header = json.loads(b64url_decode(parts[0]))
    claims = json.loads(b64url_decode(parts[1]))
    if header.get("alg") != "RS256":
        raise ValueError("alg is not RS256")
    try:
        public_key.verify(b64url_decode(parts[2]), (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise ValueError("bad signature")
    now = time.time()
    if "exp" in claims and claims["exp"] < now:
        raise ValueError("expired")
    return header, claims


def serve(handler, extra_arguments=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--config", default="{}")
    arguments = parser.parse_args(extra_arguments)
    context = None
    if arguments.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
    server = StandInServer(handler, json.loads(arguments.config), context)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sys.stdin.read()
    finally:
        os._exit(0)
