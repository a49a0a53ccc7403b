"""Local stand-in for the AWS container credentials endpoint and the EC2 instance metadata service (IMDSv2).

Fakes:
  GET /container/credentials   (any path below /container/) the ECS / EKS Pod Identity endpoint:
      the Authorization header must equal config["container_authorization"] (when set); answers
      {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} from config["container_credentials"].
  PUT /latest/api/token   IMDSv2 session token (X-aws-ec2-metadata-token-ttl-seconds required).
  GET /latest/meta-data/iam/security-credentials/[role]   with X-aws-ec2-metadata-token: the role
      name config["imds_role"], then {"Code": "Success", "AccessKeyId", …} from config["imds_credentials"].
      config["imds_role"] = null answers 404 (no instance profile). Requests without a valid session
      token get 401, as IMDSv2-only instances answer.
Expiration is now + config["lifetime_seconds"] (default 3600).
"""
import datetime
import os
import secrets
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from standin_common import StandInHandler, serve  # noqa: E402


def credentials_document(values, lifetime):
    expiration = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=lifetime)
    return {
        "AccessKeyId": values["AccessKeyId"], "SecretAccessKey": values["SecretAccessKey"], "Token": values.get("Token", ""),
        "Expiration": expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class Handler(StandInHandler):
    def handle_service(self):
        route = self.route()
        lifetime = int(self.config.get("lifetime_seconds", 3600))
        if route.startswith("/container/") and self.command == "GET":
            expected = self.config.get("container_authorization")
            if expected is not None and self.headers.get("Authorization") != expected:
                return self.reply(401, {"code": "AccessDenied", "message": "invalid authorization token"})
            return self.reply(200, credentials_document(self.config["container_credentials"], lifetime))
        if route == "/latest/api/token" and self.command == "PUT":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.reply(400, "", content_type="text/plain")
            token = "imds-" + secrets.token_hex(8)
            self.server.state.setdefault("imds_tokens", set()).add(token)
            return self.reply(200, token, content_type="text/plain")
        if route.startswith("/latest/meta-data/iam/security-credentials/") and self.command == "GET":
            if self.headers.get("X-aws-ec2-metadata-token") not in self.server.state.get("imds_tokens", set()):
                return self.reply(401, "", content_type="text/plain")
            role = self.config.get("imds_role", "instance-role")
            rest = route[len("/latest/meta-data/iam/security-credentials/"):]
            if role is None:
                return self.reply(404, "", content_type="text/plain")
            if rest == "":
                return self.reply(200, role, content_type="text/plain")
            if rest != role:
                return self.reply(404, "", content_type="text/plain")
            document = credentials_document(self.config["imds_credentials"], lifetime)
            document.update({"Code": "Success", "Type": "AWS-HMAC", "LastUpdated": "2026-01-01T00:00:00Z"})
            return self.reply(200, document)
        self.reply(404, "", content_type="text/plain")


if __name__ == "__main__":
    serve(Handler)
