"""Local stand-in for Azure Key Vault, the Microsoft Entra ID token endpoint and the managed
identity endpoints (IMDS and App Service style).

Fakes (with real cryptography, `cryptography` package):
  POST /keys/{name}/{version}/encrypt|decrypt?api-version=7.x   Key Vault key operations with
      RSA-OAEP-256 (RSA 2048, OAEP with SHA-256 and MGF1-SHA-256), values base64url without padding.
      A request without a token gets Key Vault's 401 challenge
      (WWW-Authenticate: Bearer authorization="<authority>/<tenant>", resource="<config resource>").
      Keys are created by /_control/call {"op": "create_key", "name", "version"}. Errors as Key Vault
      sends them: {"error": {"code", "message"}} — 401 Unauthorized, 403 Forbidden
      (config["denied"] principals), 404 KeyNotFound, 400 BadParameter (undecryptable).
  POST /{tenant}/oauth2/v2.0/token   client credentials: client_secret (config["clients"][id]["secret"]),
      or client_assertion: an RS256 JWT verified against config["clients"][id]["certificate"] (PEM)
      with a matching x5t (SHA-1 thumbprint) and aud = this endpoint, or the federated token
      config["clients"][id]["federated_token"]. Scope must be "<resource>/.default".
  GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…[&client_id=…]   IMDS
      (header Metadata: true; config["managed_identities"] lists "system" and client ids).
  GET /msi/token?api-version=2019-08-01&resource=…   App Service style (X-IDENTITY-HEADER must equal
      config["identity_header"]); expires_on is Unix seconds, as App Service sends it.
Vault and token endpoints are meant to be reached over TLS (the same port serves plain HTTP for IMDS).
"""
import base64
import hashlib
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from standin_common import StandInHandler, serve, verify_rs256, b64url, b64url_decode  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402

KEY_ROUTE = re.compile(r"^/keys/([^/]+)/([^/]*)/(encrypt|decrypt)$")
TOKEN_ROUTE = re.compile(r"^/([^/]+)/oauth2/v2\.0/token$")
OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class Handler(StandInHandler):
    def vault_error(self, status, code, message, headers=None):
        self.reply(status, {"error": {"code": code, "message": message}}, headers=headers)

    def resource(self):
        return self.config.get("resource", "https://vault.localhost")

    def handle_service(self):
        route = self.route()
        match = KEY_ROUTE.match(route)
        if match and self.command == "POST":
            return self.key_operation(*match.groups())
        match = TOKEN_ROUTE.match(route)
        if match and self.command == "POST":
            return self.token(match.group(1))
        if route == "/metadata/identity/oauth2/token" and self.command == "GET":
            return self.imds()
        if route == "/msi/token" and self.command == "GET":
            return self.app_service()
        self.vault_error(404, "NotFound", "unknown route")

    def key_operation(self, name, version, operation):
        token, info = self.bearer()
        if token is None:
            authority = self.config.get("authority", "https://login.localhost") + "/" + self.config.get("tenant", "tenant")
            challenge = f'Bearer authorization="{authority}", resource="{self.resource()}"'
            return self.vault_error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.",
                                    headers={"WWW-Authenticate": challenge})
        if info is None or info.get("scope") != self.resource() + "/.default":
            return self.vault_error(401, "Unauthorized", "AKV10022: Invalid audience.")
        if info["principal"] in self.config.get("denied", []):
            message = f"Caller is not authorized to perform action on resource. Caller: {info['principal']}"
            if self.config.get("echo_token_in_errors"):
                message += f" token {token}"
            return self.reply(403, {"error": {"code": "Forbidden", "message": message, "innererror": {"code": "ForbiddenByRbac"}}})
        keys = self.server.state.setdefault("keys", {})
        versions = keys.get(name, {})
        if not versions or (version and version not in versions):
            return self.vault_error(404, "KeyNotFound", f"A key with (name/id) {name}/{version} was not found in this key vault.")
        version = version or sorted(versions)[-1]
        private_key = versions[version]
        body = self.json_body() or {}
        if body.get("alg") != "RSA-OAEP-256":
            return self.vault_error(400, "BadParameter", "Unsupported algorithm")
        kid = f"https://{self.headers.get('Host')}/keys/{name}/{version}"
        try:
            value = b64url_decode(body.get("value", ""))
        except Exception:
            return self.vault_error(400, "BadParameter", "Property value has invalid value")
        if operation == "encrypt":
            return self.reply(200, {"kid": kid, "value": b64url(private_key.public_key().encrypt(value, OAEP))})
        try:
            plaintext = private_key.decrypt(value, OAEP)
        except Exception:
            return self.vault_error(400, "BadParameter", "The parameter is incorrect.\r\n")
        self.reply(200, {"kid": kid, "value": b64url(plaintext)})

    def issue(self, principal, scope):
        if not scope.endswith("/.default"):
            return self.reply(400, {"error": "invalid_scope", "error_description": "AADSTS70011: The provided value for scope is not valid."})
        token = self.server.issue_token(principal, scope=scope)
        self.reply(200, {"token_type": "Bearer", "expires_in": self.config.get("expires_in", 3599), "ext_expires_in": 3599,
                         "access_token": token})

    def token(self, tenant):
        if tenant != self.config.get("tenant", "tenant"):
            return self.reply(400, {"error": "invalid_request", "error_description": f"AADSTS90002: Tenant '{tenant}' not found."})
        form = self.form_body()
        client_id = form.get("client_id", "")
        client = self.config.get("clients", {}).get(client_id)
        if form.get("grant_type") != "client_credentials" or client is None:
            return self.reply(400, {"error": "unauthorized_client", "error_description": "AADSTS700016: Application not found."})
        scope = form.get("scope", "")
        if "client_secret" in form:
            if form["client_secret"] != client.get("secret"):
                description = "AADSTS7000215: Invalid client secret provided."
                if self.config.get("echo_token_in_errors"):
                    description += f" Got {form['client_secret']}"
                return self.reply(401, {"error": "invalid_client", "error_description": description})
            return self.issue(f"client:{client_id}:secret", scope)
        assertion = form.get("client_assertion", "")
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" or not assertion:
            return self.reply(400, {"error": "invalid_request", "error_description": "AADSTS900144: client_secret or client_assertion required"})
        if "federated_token" in client:
            if assertion != client["federated_token"]:
                return self.reply(401, {"error": "invalid_client", "error_description": "AADSTS700211: No matching federated identity record found."})
            return self.issue(f"client:{client_id}:federated", scope)
        try:
            certificate = x509.load_pem_x509_certificate(client["certificate"].encode())
            header, claims = verify_rs256(assertion, certificate.public_key())
            thumbprint = b64url(certificate.fingerprint(hashes.SHA1()))
            if header.get("x5t") != thumbprint:
                raise ValueError("x5t does not match the registered certificate")
            expected = f"https://{self.headers.get('Host')}/{tenant}/oauth2/v2.0/token"
            if claims.get("aud") != expected:
                raise ValueError(f"aud {claims.get('aud')} is not {expected}")
            if claims.get("iss") != client_id or claims.get("sub") != client_id:
                raise ValueError("iss/sub")
            if "x5c" in header:
                chain = [base64.b64decode(entry) for entry in header["x5c"]]
                if chain[0] != certificate.public_bytes(serialization.Encoding.DER):
                    raise ValueError("x5c leaf differs")
                self.server.state["last_x5c_count"] = len(chain)
        except Exception as error:
            return self.reply(401, {"error": "invalid_client", "error_description": f"AADSTS700027: Client assertion failed: {error}"})
        self.issue(f"client:{client_id}:certificate", scope)

    def managed_identity_reply(self, client_id, resource, unix_expiry_as_string):
        identities = self.config.get("managed_identities", ["system"])
        wanted = client_id or "system"
        if wanted not in identities:
            return self.reply(400, {"error": "invalid_request", "error_description": "Identity not found"})
        token = self.server.issue_token(f"managed:{wanted}", scope=resource + "/.default")
        expires_in = int(self.config.get("expires_in", 3599))
        self.reply(200, {"access_token": token, "expires_in": str(expires_in), "expires_on": str(int(time.time()) + expires_in),
                         "resource": resource, "token_type": "Bearer", "client_id": wanted})

    def imds(self):
        if self.headers.get("Metadata") != "true":
            return self.reply(400, {"error": "invalid_request", "error_description": "Required metadata header not specified"})
        query = self.query()
        self.managed_identity_reply(query.get("client_id"), query.get("resource", ""), True)

    def app_service(self):
        if self.headers.get("X-IDENTITY-HEADER") != self.config.get("identity_header"):
            return self.reply(401, {"statusCode": 401, "message": "Unauthorized"})
        query = self.query()
        self.managed_identity_reply(query.get("client_id"), query.get("resource", ""), True)

    def call(self, request):
        keys = self.server.state.setdefault("keys", {})
        if request.get("op") == "create_key":
            private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            keys.setdefault(request["name"], {})[request["version"]] = private_key
            return {"ok": True}
        if request.get("op") == "encrypt":
            private_key = keys[request["name"]][request["version"]]
            return {"value": b64url(private_key.public_key().encrypt(base64.b64decode(request["plaintext"]), OAEP))}
        if request.get("op") == "state":
            return {"last_x5c_count": self.server.state.get("last_x5c_count")}
        return {"error": "unknown op"}


if __name__ == "__main__":
    serve(Handler)
