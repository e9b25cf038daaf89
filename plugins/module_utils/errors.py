# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classify every failure of an Alibaba Cloud OpenAPI call into one of a few kinds.

The codes come from the KMS API reference (DescribeAccountKmsStatus, OpenKmsService) and the common
OpenAPI error codes. Classification reads the error code first and the HTTP status second, because
some products send throttling with 503 and "already done" with 500.
"""

import re
from dataclasses import dataclass
from typing import Optional


ALREADY_DONE = "already_done"
TRANSIENT = "transient"
CREDENTIALS = "credentials"
PERMISSION = "permission"
ACCOUNT = "account"
TLS = "tls"
CONNECTION = "connection"
OTHER = "other"

# Kinds that a later attempt may cure. Everything else fails at once.
RETRYABLE_KINDS = frozenset((TRANSIENT, CONNECTION))

# Reasons for not retrying a retryable error again, as ApiError.stop_reason.
STOP_ATTEMPTS = "attempts"
STOP_TIME = "time"

EXACT_CODES = {
    "Forbidden.Opened": ALREADY_DONE,
    "InternalError": TRANSIENT,
    "InternalFailure": TRANSIENT,
    "CreateLXOrderFailed": TRANSIENT,
    "SignatureDoesNotMatch": CREDENTIALS,
    "IncompleteSignature": CREDENTIALS,
    "InvalidCredentials": CREDENTIALS,
    "InvalidTimeStamp.Expired": CREDENTIALS,
    "IllegalTimestamp": CREDENTIALS,
    "SignatureNonceUsed": CREDENTIALS,
    "MissingSecurityToken": CREDENTIALS,
    "Forbidden.RAM": PERMISSION,
    "Forbidden.NoPermission": PERMISSION,
    "NoPermission": PERMISSION,
    "Forbidden.NoRealNameAuthentication": ACCOUNT,
}

PREFIX_CODES = (
    ("Throttling", TRANSIENT),
    ("ServiceUnavailable", TRANSIENT),
    ("InvalidAccessKeyId.", CREDENTIALS),
    ("InvalidSecurityToken.", CREDENTIALS),
)

CLOCK_SKEW_CODES = frozenset(("InvalidTimeStamp.Expired", "IllegalTimestamp"))

# Fragments of the transport error text (requests and urllib3, as wrapped by darabonba-core 1.0.9).
TLS_MARKERS = ("CERTIFICATE_VERIFY_FAILED", "SSLError", "certificate verify failed", "WRONG_VERSION_NUMBER")
CONNECTION_MARKERS = (
    "Connection refused",
    "Connection reset",
    "Connection aborted",
    "RemoteDisconnected",
    "timed out",
    "ConnectTimeout",
    "ReadTimeout",
    "BrokenPipe",
)
# Transport failures that happen before a request is sent (urllib3's NewConnectionError and
# ConnectTimeoutError): the server cannot have acted on it.
NOT_SENT_MARKERS = ("NewConnectionError", "Failed to establish a new connection", "ConnectTimeoutError",
                    "connect timeout=")
NAME_RESOLUTION_MARKERS = ("NameResolutionError", "Name or service not known", "nodename nor servname", "getaddrinfo failed")


@dataclass
class ApiError(Exception):
    """A failed API call, classified, with the fields a module result reports.

    `may_have_acted` is true when the request may have reached the server and taken effect although
    the caller saw a failure: a read timeout, a connection lost after sending, or a 5xx other than
    throttling. `earlier_attempt_may_have_acted` is set by the retry loop when that was true of an
    attempt before the last one. `stop_reason` is the reason retrying stopped (STOP_* above, None when
    the error is not retryable), and `next_delay` is the wait the time budget refused.
    """

    kind: str
    message: str
    code: Optional[str] = None
    http_status: Optional[int] = None
    request_id: Optional[str] = None
    recommend: Optional[str] = None
    retry_after: Optional[float] = None
    action: Optional[str] = None
    attempts: int = 1
    elapsed: float = 0.0
    exhausted: bool = False
    may_have_acted: bool = False
    earlier_attempt_may_have_acted: bool = False
    stop_reason: Optional[str] = None
    next_delay: Optional[float] = None

    def __str__(self):
        return self.message

    @property
    def retryable(self):
        return self.kind in RETRYABLE_KINDS


def classify_code(code, http_status=None):
    """Return the kind for an OpenAPI error code, falling back to the HTTP status."""
    if code in EXACT_CODES:
        return EXACT_CODES[code]

    for prefix, kind in PREFIX_CODES:
        if code and code.startswith(prefix):
            return kind

    if http_status is not None and http_status >= 500:
        return TRANSIENT
    return OTHER


def classify_exception(exc):
    """Turn an SDK exception into an ApiError.

    The SDK raises alibabacloud_tea_openapi exceptions for JSON error bodies, with `code`, `status_code`,
    `request_id`, `retry_after` (milliseconds, from the x-acs-retry-after header) and `data` (the body).
    Transport failures arrive as darabonba UnretryableException with `code` None and only a text.
    """
    code = getattr(exc, "code", None)
    if code in (None, "", "None"):
        return _classify_transport(exc)

    code = str(code)
    http_status = _as_int(getattr(exc, "status_code", None))
    data = getattr(exc, "data", None)
    if not isinstance(data, dict):
        data = {}

    server_message = data.get("Message") or data.get("message") or code
    request_id = data.get("RequestId") or _clean(getattr(exc, "request_id", None))
    retry_after_ms = _as_int(getattr(exc, "retry_after", None))
    retry_after = retry_after_ms / 1000.0 if retry_after_ms and retry_after_ms > 0 else None

    kind = classify_code(code, http_status)
    return ApiError(
        kind=kind,
        message=str(server_message),
        code=code,
        http_status=http_status,
        request_id=request_id,
        recommend=data.get("Recommend") or None,
        retry_after=retry_after,
        may_have_acted=_server_error_may_have_acted(kind, code, http_status),
    )


def _server_error_may_have_acted(kind, code, http_status):
    # Throttling and ServiceUnavailable reject a request before it is processed, but an InternalError
    # or another 5xx may come after the work was done.
    if kind != TRANSIENT or http_status is None or http_status < 500:
        return False
    return not code.startswith(("Throttling", "ServiceUnavailable"))


# The readable part of a transport error, most specific first.
TRANSPORT_REASONS = (
    (re.compile(r"certificate verify failed: [^(\"']+"), None),
    (re.compile(r"\[Errno -?\d+\] [^\"')]+"), None),
    (re.compile(r"Read timed out\. \(read timeout=[0-9.]+\)"), None),
    (re.compile(r"timed out\. \(connect timeout=[0-9.]+\)"), "connection timed out"),
    (re.compile(r"RemoteDisconnected|Remote end closed connection"), "the server closed the connection without a reply"),
    (re.compile(r"Connection reset by peer"), "connection reset by the server"),
)


def _classify_transport(exc):
    text = _transport_text(exc)
    reason = _transport_reason(text)

    if any(marker in text for marker in TLS_MARKERS):
        return ApiError(kind=TLS, message="TLS verification failed (%s)" % reason)
    if any(marker in text for marker in NAME_RESOLUTION_MARKERS):
        return ApiError(kind=OTHER, message="the endpoint's host name could not be resolved (%s)" % reason)
    if any(marker in text for marker in CONNECTION_MARKERS):
        sent = not any(marker in text for marker in NOT_SENT_MARKERS)
        return ApiError(kind=CONNECTION, message=reason, may_have_acted=sent)

    # NOTE: a reply that is not JSON (a proxy's HTML error page, or an endpoint that is not an OpenAPI
    # service) reaches us without its HTTP status, so it is not retried.
    return ApiError(kind=OTHER, message="unexpected reply from the endpoint (%s)" % reason)


def _transport_text(exc):
    for candidate in (getattr(exc, "inner_exception", None), exc):
        message = getattr(candidate, "message", None)
        if message:
            return str(message)
    return str(exc)


def _transport_reason(text):
    for pattern, replacement in TRANSPORT_REASONS:
        match = pattern.search(text)
        if match:
            return replacement or match.group(0).strip()
    return _short(text)


def _short(text, limit=300):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _clean(value):
    if value in (None, "", "None"):
        return None
    return str(value)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
