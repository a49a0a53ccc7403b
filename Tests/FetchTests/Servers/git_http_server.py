#!/usr/bin/env python3
"""Smart-HTTP Git server for tests: runs the real `git http-backend` as CGI behind
basic (or bearer) authentication on 127.0.0.1. Usage:
  git_http_server.py PORT PROJECT_ROOT [USER:PASSWORD | bearer:TOKEN]
Each request is logged to stderr with the Authorization scheme it used (never the secret)."""
import base64
import http.server
import os
import subprocess
import sys

PORT = int(sys.argv[1])
ROOT = sys.argv[2]
CREDENTIAL = sys.argv[3] if len(sys.argv) > 3 else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def authorised(self):
        if CREDENTIAL is None:
            return True
        header = self.headers.get("Authorization", "")
        if CREDENTIAL.startswith("bearer:"):
            return header == "Bearer " + CREDENTIAL[len("bearer:"):]
        return header == "Basic " + base64.b64encode(CREDENTIAL.encode()).decode()

    def handle_any(self):
        if not self.authorised():
            body = b"authentication required\n"
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        environment = dict(os.environ)
        environment.update({
            "GIT_PROJECT_ROOT": ROOT,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": "test",
            "REMOTE_ADDR": "127.0.0.1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
        })
        if self.headers.get("Content-Encoding"):
            environment["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            environment["HTTP_GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        result = subprocess.run(["git", "http-backend"], input=body, env=environment, capture_output=True)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = result.stdout.partition(b"\n\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = handle_any
    do_POST = handle_any

    def log_message(self, format, *args):
        scheme = self.headers.get("Authorization", "none").split(" ")[0] if self.headers else "none"
        sys.stderr.write("%s auth=%s\n" % (self.requestline, scheme))


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
