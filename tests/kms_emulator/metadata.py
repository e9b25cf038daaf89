"""The ECS instance metadata service: session tokens and the instance RAM role's credentials.

It serves the paths that alibabacloud-credentials 1.0.12 requests from
100.100.100.200. Requests may arrive in origin form or, from a client that
uses this server as its HTTP proxy, with an absolute URI; both are served
locally and never forwarded.
"""

import logging
import secrets
import time

from .messages import HttpResponse
from .sts import format_expiration

logger = logging.getLogger("kms_emulator")

TOKEN_PATH = "/latest/api/token"
CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
TOKEN_TTL_HEADER = "x-aliyun-ecs-metadata-token-ttl-seconds"
TOKEN_HEADER = "x-aliyun-ecs-metadata-token"
MAX_TOKEN_TTL_SECONDS = 21600

# Lifetime of the credentials the service hands out, and the remaining
# lifetime below which it issues new ones.
CREDENTIAL_DURATION_SECONDS = 6 * 3600
CREDENTIAL_RENEW_SECONDS = 30 * 60


class MetadataService:
    """Serves metadata requests for the ECS role configured in the Store."""

    def __init__(self, store):
        self.store = store
        self._credential = None
        self._credential_issued = None

    def handle(self, request):
        action, response = self._answer(request)

        record = {
            "time": time.time(),
            "service": "metadata",
            "action": action,
            "key_id": None,
            "account_id": self.store.ecs_role.account_id if self.store.ecs_role else None,
            "code": "OK" if response.status == 200 else f"HTTP{response.status}",
            "http_status": response.status,
            "signature_version": None,
            "token_presented": bool(request.header(TOKEN_HEADER)),
            "request_id": None,
        }
        if response.drop:
            record["code"] = "ConnectionReset"
            record["http_status"] = None
        if action == "GetRoleCredentials" and response.status == 200:
            record["key_id"] = self._credential.key_id

        self.store.record_call(record)
        logger.debug("metadata %s %s -> %s", request.method, request.path, record["http_status"])
        return response

    def _answer(self, request):
        if request.path == TOKEN_PATH:
            action = "GetMetadataToken"
        elif request.path == CREDENTIALS_PATH:
            action = "ListRamRoles"
        elif request.path.startswith(CREDENTIALS_PATH):
            action = "GetRoleCredentials"
        else:
            return "Unknown", HttpResponse.text(404, "Not Found")

        fault = self.store.take_fault(action, None, before_authentication=True)
        if fault is None:
            fault = self.store.take_fault(action, None, before_authentication=False)
        if fault is not None:
            if fault.delay > 0:
                time.sleep(fault.delay)
            if fault.drop:
                return action, HttpResponse.dropped()
            if fault.code:
                return action, HttpResponse.text(fault.http_status, fault.message or fault.code)

        if action == "GetMetadataToken":
            return action, self._issue_token(request)

        refusal = self._check_token(request)
        if refusal is not None:
            return action, refusal

        role = self.store.ecs_role
        if action == "ListRamRoles":
            if role is None:
                return action, HttpResponse.text(404, "Not Found")
            return action, HttpResponse.text(200, role.role_name)

        role_name = request.path[len(CREDENTIALS_PATH):]
        if role is None or role_name != role.role_name:
            return action, HttpResponse.text(404, "Not Found")
        return action, HttpResponse.json(200, self._credentials_document(role))

    def _issue_token(self, request):
        if request.method != "PUT":
            return HttpResponse.text(405, "Method Not Allowed: request a token with PUT")

        raw_ttl = request.header(TOKEN_TTL_HEADER)
        try:
            ttl = int(raw_ttl)
        except (TypeError, ValueError):
            ttl = None
        if ttl is None or not 1 <= ttl <= MAX_TOKEN_TTL_SECONDS:
            return HttpResponse.text(400, f"Bad Request: {TOKEN_TTL_HEADER} must be an integer from 1 to {MAX_TOKEN_TTL_SECONDS}")

        token = secrets.token_urlsafe(32)
        with self.store.lock:
            self.store.metadata_tokens[token] = time.time() + ttl
        return HttpResponse.text(200, token)

    def _check_token(self, request):
        """Return the refusal for a request with a missing or invalid session token, or None."""
        token = request.header(TOKEN_HEADER)
        if token is None:
            role = self.store.ecs_role
            if role is not None and role.require_token:
                return HttpResponse.text(403, "Forbidden: this instance requires a metadata session token (IMDSv2)")
            return None

        with self.store.lock:
            expiry = self.store.metadata_tokens.get(token)
        if expiry is None or expiry < time.time():
            return HttpResponse.text(401, "Unauthorized: the metadata session token is invalid or expired")
        return None

    def _credentials_document(self, role):
        with self.store.lock:
            credential = self._credential
            stale = (
                credential is None
                or credential.account_id != role.account_id
                or credential.expiration - time.time() < CREDENTIAL_RENEW_SECONDS
            )
            if stale:
                credential = self.store.issue_temporary_credential(
                    role.account_id, CREDENTIAL_DURATION_SECONDS, role_arn=f"acs:ram::{role.account_id}:role/{role.role_name.lower()}",
                    session_name="ecs-instance",
                )
                self._credential = credential
                self._credential_issued = time.time()

            return {
                "AccessKeyId": credential.key_id,
                "AccessKeySecret": credential.secret,
                "Expiration": format_expiration(credential.expiration),
                "SecurityToken": credential.token,
                "LastUpdated": format_expiration(self._credential_issued),
                "Code": "Success",
            }
