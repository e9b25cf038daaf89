"""Authentication of OpenAPI calls: key lookup, STS token checks, signature, clock skew and nonce replay."""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from . import signing
from .errors import ApiError
from .state import NONCE_WINDOW_SECONDS, TemporaryCredential


@dataclass
class CallContext:
    """What can be read from a request before it is authenticated.

    `params` merges the query with form body parameters. `key_id` and
    `account_id` are as claimed by the request and not verified yet, and so
    is `signature` (the V3 hex signature or the V1 `Signature` parameter).
    """

    signature_version: str
    action: str
    api_version: str
    key_id: str
    token: str
    params: dict
    host: str
    account_id: str = None
    signature: str = None


@dataclass
class Identity:
    """The verified caller."""

    account_id: str
    key_id: str
    temporary: bool
    role_arn: str = None
    session_name: str = None


def read_call_context(request):
    """Read the signature scheme, action and claimed key id of an API request."""
    params = dict(request.query)
    params.update(request.form())

    if "Signature" in params:
        return CallContext(
            signature_version="v1",
            action=params.get("Action") or request.header("x-acs-action"),
            api_version=params.get("Version") or request.header("x-acs-version"),
            key_id=params.get("AccessKeyId"),
            token=params.get("SecurityToken"),
            params=params,
            host=request.header("host"),
            signature=params.get("Signature"),
        )

    authorization = signing.parse_authorization(request.header("authorization"))
    return CallContext(
        signature_version="v3",
        action=request.header("x-acs-action") or params.get("Action"),
        api_version=request.header("x-acs-version") or params.get("Version"),
        key_id=authorization.key_id if authorization else None,
        token=request.header("x-acs-security-token"),
        params=params,
        host=request.header("host"),
        signature=authorization.signature if authorization else None,
    )


def _parse_timestamp(value):
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=timezone.utc).timestamp()
        except (TypeError, ValueError):
            continue
    return None


class Authenticator:
    """Verifies a call the way Alibaba Cloud's API gateway does, returning the caller's Identity."""

    def __init__(self, store, clock=time.time):
        self.store = store
        self.clock = clock

    def authenticate(self, request, context):
        authorization = None
        if context.signature_version == "v3":
            authorization = self._read_authorization(request)

        if not context.key_id:
            raise ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards. AccessKeyId is missing.")

        key = self.store.find_key(context.key_id)
        if key is None:
            raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")

        self._check_security_token(key, context.token)
        if not isinstance(key, TemporaryCredential) and not key.active:
            raise ApiError(403, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.")

        if authorization is not None:
            self._verify_v3(request, authorization, key.secret)
            timestamp_value = request.header("x-acs-date")
            nonce = request.header("x-acs-signature-nonce")
        else:
            self._verify_v1(request, context, key.secret)
            timestamp_value = context.params.get("Timestamp")
            nonce = context.params.get("SignatureNonce")

        self._check_timestamp(timestamp_value)
        self._check_nonce(key.key_id, nonce)

        if isinstance(key, TemporaryCredential):
            return Identity(key.account_id, key.key_id, True, key.role_arn, key.session_name)
        return Identity(key.account_id, key.key_id, False)

    def _read_authorization(self, request):
        header = request.header("authorization")
        if not header:
            raise ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards. The Authorization header is missing.")

        authorization = signing.parse_authorization(header)
        if authorization is None:
            raise ApiError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards. The Authorization header is malformed.")
        if authorization.algorithm != signing.V3_ALGORITHM:
            raise ApiError(
                400, "IncompleteSignature",
                f"The request signature does not conform to Aliyun standards. "
                f"Unsupported signature algorithm {authorization.algorithm}: this server accepts {signing.V3_ALGORITHM}.",
            )
        return authorization

    def _check_security_token(self, key, token):
        if not token:
            if isinstance(key, TemporaryCredential):
                raise ApiError(400, "MissingSecurityToken", "SecurityToken is mandatory for this action.")
            return

        credential = self.store.tokens.get(token)
        if credential is None:
            raise ApiError(400, "InvalidSecurityToken.Malformed", "The security token you provided is malformed.")
        if credential.key_id != key.key_id:
            raise ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey", "The security token you provided does not match with the access key.")
        if credential.expired:
            raise ApiError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")

    def _verify_v3(self, request, authorization, secret):
        signed = set(authorization.signed_headers)
        unsigned = sorted(name for name in request.headers if (name.startswith("x-acs-") or name == "host") and name not in signed)
        if unsigned:
            raise ApiError(
                400, "IncompleteSignature",
                f"The request signature does not conform to Aliyun standards. These headers must be signed: {', '.join(unsigned)}.",
            )

        payload_hash = request.header("x-acs-content-sha256")
        if not payload_hash:
            raise ApiError(400, "IncompleteSignature",
                           "The request signature does not conform to Aliyun standards. The x-acs-content-sha256 header is missing.")
        if payload_hash != hashlib.sha256(request.body).hexdigest():
            raise ApiError(400, "SignatureDoesNotMatch", "The x-acs-content-sha256 header does not match the SHA-256 digest of the request body.")

        canonical_request = signing.v3_canonical_request(
            request.method, request.path, request.query, request.headers, authorization.signed_headers, payload_hash,
        )
        string_to_sign = signing.v3_string_to_sign(canonical_request)
        if not signing.signatures_equal(signing.v3_signature(secret, string_to_sign), authorization.signature):
            raise ApiError(
                400, "SignatureDoesNotMatch",
                f"Specified signature does not match our calculation. server string to sign is:{string_to_sign}",
            )

    def _verify_v1(self, request, context, secret):
        method = context.params.get("SignatureMethod")
        if method != "HMAC-SHA1":
            raise ApiError(400, "IncompleteSignature",
                           "The request signature does not conform to Aliyun standards. "
                           f"Unsupported SignatureMethod {method!r}: expected HMAC-SHA1.")

        candidates = signing.v1_strings_to_sign(request.method, context.params)
        received = context.params.get("Signature")
        for string_to_sign in candidates:
            if signing.signatures_equal(signing.v1_signature(secret, string_to_sign), received):
                return

        raise ApiError(
            400, "SignatureDoesNotMatch",
            f"Specified signature does not match our calculation. server string to sign is:{candidates[0]}",
        )

    def _check_timestamp(self, value):
        if not value:
            raise ApiError(400, "MissingParameter", "The request must carry its time in the x-acs-date header (V3) or the Timestamp parameter (V1).")

        timestamp = _parse_timestamp(value)
        if timestamp is None:
            raise ApiError(400, "InvalidTimeStamp.Format",
                           f"Specified time stamp or date value {value!r} is not well formatted: expected yyyy-MM-ddTHH:mm:ssZ in UTC.")
        if abs(self.clock() - timestamp) > NONCE_WINDOW_SECONDS:
            raise ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")

    def _check_nonce(self, key_id, nonce):
        if not nonce:
            raise ApiError(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.")
        if not self.store.use_nonce(key_id, nonce):
            raise ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
