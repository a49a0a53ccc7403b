"""Local stand-in for Google Cloud KMS, Google's OAuth 2.0 token endpoint and the GCE metadata server.

Fakes (with real cryptography, `cryptography` package):
  POST /v1/{projects/*/locations/*/keyRings/*/cryptoKeys/*}:encrypt|:decrypt   Cloud KMS REST API.
      A key (AES-256-GCM) is created by its first encrypt. Ciphertext layout is this stand-in's own
      (the real one is opaque): 0x01 | 12-byte nonce | AES-GCM(key, plaintext, aad=resource id).
      Errors as Google APIs send them: {"error": {"code", "message", "status"}} with UNAUTHENTICATED
      (401), PERMISSION_DENIED (403), NOT_FOUND (404), INVALID_ARGUMENT (400, undecryptable).
  POST /token   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (service-account JWT, RS256
      signature verified against config["service_accounts"][client_email] = public key PEM, aud must
      be this endpoint) and grant_type=refresh_token (config["authorized_users"][client_id] =
      {"client_secret", "refresh_token"}); answers {"access_token", "expires_in", "token_type"}.
  GET /computeMetadata/v1/instance/service-accounts/default/token   requires Metadata-Flavor: Google
      (config["metadata"] false turns it into a 404).
Tokens are accepted when issued here or listed in config["static_tokens"] (token -> principal);
config["denied"] lists principals that get PERMISSION_DENIED; config["echo_token_in_errors"] makes
the denial message quote the bearer token (to prove clients redact it).
"""
import base64
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from standin_common import StandInHandler, serve, verify_rs256  # noqa: E402

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

RESOURCE = re.compile(r"^/v1/(projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/:]+):(encrypt|decrypt)$")


class Handler(StandInHandler):
    def google_error(self, status, code_name, message):
        self.reply(status, {"error": {"code": status, "message": message, "status": code_name}})

    def handle_service(self):
        route = self.route()
        if route == "/token" and self.command == "POST":
            return self.token()
        if route == "/computeMetadata/v1/instance/service-accounts/default/token" and self.command == "GET":
            return self.metadata()
        match = RESOURCE.match(route)
        if match and self.command == "POST":
            return self.kms(match.group(1), match.group(2))
        self.google_error(404, "NOT_FOUND", "unknown route")

    def principal(self):
        token, info = self.bearer()
        if token is None:
            return None, None
        if info is not None:
            return token, info["principal"]
        static = self.config.get("static_tokens", {})
        if token in static:
            return token, static[token]
        return token, None

    def kms(self, resource, operation):
        token, principal = self.principal()
        if principal is None:
            return self.google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if principal in self.config.get("denied", []):
            message = f"Permission 'cloudkms.cryptoKeyVersions.useToDecrypt' denied on resource '{resource}'"
            if self.config.get("echo_token_in_errors"):
                message += f" for token {token}"
            return self.google_error(403, "PERMISSION_DENIED", message)
        body = self.json_body() or {}
        keys = self.server.state.setdefault("keys", {})
        if operation == "encrypt":
            key = keys.setdefault(resource, AESGCM.generate_key(bit_length=256))
            plaintext = base64.b64decode(body.get("plaintext", ""))
            nonce = os.urandom(12)
            ciphertext = b"\x01" + nonce + AESGCM(key).encrypt(nonce, plaintext, resource.encode())
            return self.reply(200, {"name": resource + "/cryptoKeyVersions/1", "ciphertext": base64.b64encode(ciphertext).decode()})
        if resource not in keys:
            return self.google_error(404, "NOT_FOUND", f"CryptoKey {resource} not found.")
        try:
            data = base64.b64decode(body.get("ciphertext", ""), validate=True)
            if len(data) < 30 or data[0] != 1:
                raise ValueError("layout")
            plaintext = AESGCM(keys[resource]).decrypt(data[1:13], data[13:], resource.encode())
        except Exception:
            return self.google_error(400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid.")
        self.reply(200, {"plaintext": base64.b64encode(plaintext).decode(), "usedPrimary": True, "protectionLevel": "SOFTWARE"})

    def token(self):
        form = self.form_body()
        grant = form.get("grant_type")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            assertion = form.get("assertion", "")
            try:
                import json
                from standin_common import b64url_decode
                claims = json.loads(b64url_decode(assertion.split(".")[1]))
                pem = self.config.get("service_accounts", {}).get(claims.get("iss"))
                if pem is None:
                    raise ValueError("unknown service account")
                public_key = serialization.load_pem_public_key(pem.encode())
                header, claims = verify_rs256(assertion, public_key)
                host = self.headers.get("Host")
                expected = f"{'https' if self.is_tls() else 'http'}://{host}/token"
                if claims.get("aud") != expected:
                    raise ValueError(f"aud {claims.get('aud')} is not {expected}")
                if "cloudkms" not in claims.get("scope", "") and "cloud-platform" not in claims.get("scope", ""):
                    raise ValueError("scope")
                if not (claims.get("iat", 0) <= time.time() + 60 < claims.get("exp", 0) + 60):
                    raise ValueError("iat/exp")
            except Exception as error:
                return self.reply(400, {"error": "invalid_grant", "error_description": f"Invalid JWT: {error}"})
            token = self.server.issue_token("service-account:" + claims["iss"], kid=header.get("kid"))
            return self.reply(200, {"access_token": token, "expires_in": self.config.get("expires_in", 3599), "token_type": "Bearer"})
        if grant == "refresh_token":
            user = self.config.get("authorized_users", {}).get(form.get("client_id"))
            if user is None or user.get("client_secret") != form.get("client_secret") or user.get("refresh_token") != form.get("refresh_token"):
                return self.reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            token = self.server.issue_token("authorized-user:" + form["client_id"])
            return self.reply(200, {"access_token": token, "expires_in": self.config.get("expires_in", 3599), "token_type": "Bearer"})
        self.reply(400, {"error": "unsupported_grant_type"})

    def metadata(self):
        if self.headers.get("Metadata-Flavor") != "Google":
            return self.reply(403, "Missing Metadata-Flavor:Google header.", content_type="text/html")
        if not self.config.get("metadata", True):
            return self.reply(404, "Not Found", content_type="text/html")
        token = self.server.issue_token("metadata:default")
        self.reply(200, {"access_token": token, "expires_in": self.config.get("expires_in", 3599), "token_type": "Bearer"},
                   headers={"Metadata-Flavor": "Google"})

    def call(self, request):
        if request.get("op") == "encrypt":
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM as Cipher
            resource = request["resource"]
            keys = self.server.state.setdefault("keys", {})
            key = keys.setdefault(resource, Cipher.generate_key(bit_length=256))
            nonce = os.urandom(12)
            data = b"\x01" + nonce + Cipher(key).encrypt(nonce, base64.b64decode(request["plaintext"]), resource.encode())
            return {"ciphertext": base64.b64encode(data).decode()}
        return {"error": "unknown op"}


if __name__ == "__main__":
    serve(Handler)
