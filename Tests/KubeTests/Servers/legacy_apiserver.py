#!/usr/bin/env python3
"""A tiny fake Kubernetes API server for the Kube target's tests (stdlib only, plain HTTP).

It answers what the kube emulator cannot: legacy-only discovery (it ignores the aggregated
discovery Accept types, like a pre-1.26 server), a broken aggregated API group (503), paginated
lists with `continue` tokens, HTTP basic authentication, and an echo of the impersonation headers.

Usage: legacy_apiserver.py USERNAME PASSWORD
Listens on 127.0.0.1 on an ephemeral port, prints "PORT <n>" and serves until stdin closes.

Routes (all need `Authorization: Basic base64(USERNAME:PASSWORD)`, else 401 Status):
  GET /api, /apis, /api/v1, /apis/example.com/v1       legacy discovery documents
  GET /apis/metrics.k8s.io/v1beta1                     503 Status (an unavailable API service)
  GET /api/v1/namespaces/<ns>/configmaps               5 items, honouring limit/continue
  GET /api/v1/namespaces/<ns>/configmaps/echo          a ConfigMap whose data echoes request headers
  GET /api/v1/namespaces/<ns>/configmaps/<other>       404 Status
  PATCH .../widgets/<name>                             201, the body back, a Warning header
  GET /requests                                        (no auth) JSON list of "METHOD path?query"
"""
import base64
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERNAME, PASSWORD = sys.argv[1], sys.argv[2]
EXPECTED = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
requests_seen = []
lock = threading.Lock()

CORE_RESOURCES = {
    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1",
    "resources": [
        {"name": "configmaps", "singularName": "configmap", "namespaced": True, "kind": "ConfigMap",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["cm"]},
        {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["ns"]},
        {"name": "namespaces/status", "singularName": "", "namespaced": False, "kind": "Namespace",
         "verbs": ["get", "patch", "update"]},
    ],
}
WIDGET_RESOURCES = {
    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "example.com/v1",
    "resources": [
        {"name": "widgets", "singularName": "widget", "namespaced": True, "kind": "Widget",
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
    ],
}
GROUPS = {
    "kind": "APIGroupList", "apiVersion": "v1",
    "groups": [
        {"name": "example.com", "versions": [{"groupVersion": "example.com/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "example.com/v1", "version": "v1"}},
        {"name": "metrics.k8s.io", "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}],
         "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}},
    ],
}


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, code, body, extra=()):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urllib.parse.urlsplit(self.path)
        path, query = parts.path, urllib.parse.parse_qs(parts.query)
        if path == "/requests":
            with lock:
                self._send(200, list(requests_seen))
            return
        with lock:
            requests_seen.append(f"{self.command} {self.path}")
        if self.headers.get("Authorization") != EXPECTED:
            self._send(401, status(401, "Unauthorized", "Unauthorized"))
            return
        segments = [s for s in path.split("/") if s]
        if self.command == "GET":
            if path == "/api":
                self._send(200, {"kind": "APIVersions", "versions": ["v1"]})
            elif path == "/apis":
                self._send(200, GROUPS)
            elif path == "/api/v1":
                self._send(200, CORE_RESOURCES)
            elif path == "/apis/example.com/v1":
                self._send(200, WIDGET_RESOURCES)
            elif path == "/apis/metrics.k8s.io/v1beta1":
                self._send(503, status(503, "ServiceUnavailable", "the server is currently unable to handle the request"))
            elif len(segments) == 5 and segments[:2] == ["api", "v1"] and segments[4] == "configmaps":
                self._list(segments[3], query)
            elif len(segments) == 6 and segments[4] == "configmaps" and segments[5] == "echo":
                headers = {name.lower(): ",".join(self.headers.get_all(name)) for name in set(self.headers.keys())}
                self._send(200, {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "echo", "namespace": segments[3]}, "data": headers})
            else:
                self._send(404, status(404, "NotFound", f"{path} not found"))
        elif self.command == "PATCH" and len(segments) == 7 and segments[5] == "widgets":
            obj = json.loads(body)
            self._send(201, obj, extra=[("Warning", '299 - "example.com/v1 Widget is deprecated"')])
        else:
            self._send(405, status(405, "MethodNotAllowed", "method not allowed"))

    def _list(self, namespace, query):
        items = [{"metadata": {"name": f"item-{i}", "namespace": namespace}, "data": {"index": str(i)}} for i in range(5)]
        start = int(query.get("continue", ["0"])[0])
        limit = int(query.get("limit", ["0"])[0]) or len(items)
        page = items[start:start + limit]
        metadata = {"resourceVersion": "7"}
        if start + limit < len(items):
            metadata["continue"] = str(start + limit)
        self._send(200, {"kind": "ConfigMapList", "apiVersion": "v1", "metadata": metadata, "items": page})

    do_GET = _handle
    do_PATCH = _handle
    do_DELETE = _handle
    do_POST = _handle


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
