"""Local stand-in for the HashiCorp Vault / OpenBao transit secrets engine.

Fakes (with real cryptography, `cryptography` package):
  POST /v1/{mount}/encrypt/{key}   {"plaintext": base64} -> {"data": {"ciphertext": "vault:v1:<base64>"}};
      creates the key (AES-256-GCM, 96-bit nonce, like transit's aes256-gcm96) on first use.
  POST /v1/{mount}/decrypt/{key}   {"ciphertext": "vault:vN:<base64(nonce|ciphertext|tag)>"}
      -> {"data": {"plaintext": base64}}.
  Mounts are config["mounts"] (default ["transit"], may contain "/"); tokens are config["tokens"]
  (token -> principal); config["namespace"], when set, must arrive as X-Vault-Namespace.
  Errors as Vault sends them: {"errors": [...]} — 403 "permission denied" (missing/unknown token or a
  principal in config["denied"]), 404 "no handler for route" (unknown mount), 400 "encryption key not
  found", 400 "cipher: message authentication failed".
"""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from standin_common import StandInHandler, serve  # noqa: E402

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402


class Handler(StandInHandler):
    def errors(self, status, *messages):
        self.reply(status, {"errors": list(messages)})

    def handle_service(self):
        route = self.route()
        if not route.startswith("/v1/") or self.command not in ("POST", "PUT"):
            return self.errors(404, "unsupported path")
        parts = route[len("/v1/"):].split("/")
        if len(parts) < 3 or parts[-2] not in ("encrypt", "decrypt"):
            return self.errors(404, f"no handler for route \"{route}\". route entry not found.")
        mount, operation, key_name = "/".join(parts[:-2]), parts[-2], parts[-1]
        token = self.headers.get("X-Vault-Token")
        principal = self.config.get("tokens", {}).get(token)
        if principal is None or principal in self.config.get("denied", []):
            message = "permission denied"
            if self.config.get("echo_token_in_errors") and token:
                message += f" for {token}"
            return self.errors(403, "1 error occurred:\n\t* " + message + "\n\n")
        namespace = self.config.get("namespace")
        if namespace and self.headers.get("X-Vault-Namespace") != namespace:
            return self.errors(404, f"no handler for route \"{route}\". route entry not found.")
        if mount not in self.config.get("mounts", ["transit"]):
            return self.errors(404, f"no handler for route \"{route}\". route entry not found.")
        body = self.json_body() or {}
        reply = self.transit(mount, operation, key_name, body)
        self.reply(*reply)

    def transit(self, mount, operation, key_name, body):
        keys = self.server.state.setdefault("keys", {})
        name = mount + "/" + key_name
        if operation == "encrypt":
            versions = keys.setdefault(name, [AESGCM.generate_key(bit_length=256)])
            nonce = os.urandom(12)
            sealed = AESGCM(versions[-1]).encrypt(nonce, base64.b64decode(body.get("plaintext", "")), None)
            ciphertext = f"vault:v{len(versions)}:" + base64.b64encode(nonce + sealed).decode()
            return 200, {"data": {"ciphertext": ciphertext, "key_version": len(versions)}}
        if name not in keys:
            return 400, {"errors": ["encryption key not found"]}
        text = body.get("ciphertext", "")
        try:
            prefix, version, payload = text.split(":", 2)
            if prefix != "vault" or not version.startswith("v"):
                raise ValueError
            data = base64.b64decode(payload, validate=True)
            key = keys[name][int(version[1:]) - 1]
        except Exception:
            return 400, {"errors": ["invalid ciphertext: no prefix"]}
        try:
            plaintext = AESGCM(key).decrypt(data[:12], data[12:], None)
        except Exception:
            return 400, {"errors": ["cipher: message authentication failed"]}
        return 200, {"data": {"plaintext": base64.b64encode(plaintext).decode()}}

    def call(self, request):
        if request.get("op") == "encrypt":
            status, body = self.transit(request["mount"], "encrypt", request["key"], {"plaintext": request["plaintext"]})
            return body["data"]
        return {"error": "unknown op"}


if __name__ == "__main__":
    serve(Handler)
