#!/usr/bin/env python3
"""A JaaS-compatible stateless Jsonnet renderer for tests (127.0.0.1 only).

Serves GET /<endpoint-path>/<snippet...> by evaluating <snippet-directory>/<snippet>/main.jsonnet
with the real `jsonnet` CLI, binding query parameters as top-level arguments the way JaaS does
(one value: a string TLA; a repeated parameter: a JSON array via --tla-code; a bare `?x`: "").
Errors are RFC 9457 problem+json documents with JaaS's codes:
  404 snippet_not_found, 400 evaluation_failed (detail always "evaluation failed"),
  503 evaluation_unavailable (concurrency cap full; --max-concurrent-evals 0 makes it permanent),
  504 evaluation_timeout (over --evaluation-timeout), 405 method_not_allowed (Allow: GET).
Optional: --bearer-token (401 without it, as a reverse proxy in front of JaaS would answer),
--tls-cert/--tls-key (HTTPS). Prints "PORT <n>" first and exits when standard input closes.
Every request line (path and query) is appended to --request-log when given.
"""
import argparse
import json
import os
import ssl
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snippet-directory", required=True)
    parser.add_argument("--endpoint-path", default="jsonnet")
    parser.add_argument("--bearer-token")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--evaluation-timeout", type=float, default=5.0)
    parser.add_argument("--max-concurrent-evals", type=int, default=16)
    parser.add_argument("--request-log")
    options = parser.parse_args()
    slots = threading.BoundedSemaphore(options.max_concurrent_evals) if options.max_concurrent_evals > 0 else None
    root = os.path.realpath(options.snippet_directory)
    prefix = "/" + options.endpoint_path.strip("/") + "/"
    log_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            sys.stderr.write("jaas_renderer: " + (format % args) + "\n")

        def problem(self, status, code, title, detail, snippet=None, headers=None):
            body = {
                "type": "https://jaas.projects.metio.wtf/errors/" + code,
                "title": title,
                "status": status,
                "detail": detail,
                "code": code,
            }
            if snippet is not None:
                body["snippet"] = snippet
            self.send(status, json.dumps(body).encode(), "application/problem+json", headers)

        def send(self, status, body, content_type, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def refuse_method(self):
            self.problem(405, "method_not_allowed", "Method Not Allowed", "only GET is supported", headers={"Allow": "GET"})

        do_POST = do_PUT = do_DELETE = do_PATCH = refuse_method

        def do_GET(self):
            if options.request_log:
                with log_lock, open(options.request_log, "a") as log:
                    log.write(self.path + "\n")
            if options.bearer_token is not None:
                if self.headers.get("Authorization") != "Bearer " + options.bearer_token:
                    self.send(401, b'{"message": "unauthorized"}', "application/json")
                    return
            raw_path, _, query = self.path.partition("?")
            if not raw_path.startswith(prefix):
                self.send(404, b"404 page not found\n", "text/plain; charset=utf-8")
                return
            snippet = urllib.parse.unquote(raw_path[len(prefix):])
            main_file = os.path.realpath(os.path.join(root, snippet, "main.jsonnet"))
            if not snippet or not main_file.startswith(root + os.sep) or not os.path.isfile(main_file):
                self.problem(404, "snippet_not_found", "Snippet Not Found", "no snippet named " + json.dumps(snippet), snippet)
                return
            if slots is None or not slots.acquire(blocking=False):
                self.problem(503, "evaluation_unavailable", "Service Unavailable", "too many concurrent evaluations", snippet)
                return
            try:
                arguments = {}
                for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
                    arguments.setdefault(name, []).append(value)
                command = ["jsonnet", main_file]
                for name, values in arguments.items():
                    if len(values) == 1:
                        command += ["--tla-str", name + "=" + values[0]]
                    else:
                        command += ["--tla-code", name + "=" + json.dumps(values)]
                try:
                    result = subprocess.run(command, capture_output=True, timeout=options.evaluation_timeout)
                except subprocess.TimeoutExpired:
                    self.problem(504, "evaluation_timeout", "Gateway Timeout", "evaluation timed out", snippet)
                    return
                if result.returncode != 0:
                    sys.stderr.write("jaas_renderer: evaluation of %s failed: %s\n" % (snippet, result.stderr.decode(errors="replace")))
                    self.problem(400, "evaluation_failed", "Bad Request", "evaluation failed", snippet)
                    return
                self.send(200, result.stdout, "application/json")
            finally:
                slots.release()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.tls_cert, options.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
