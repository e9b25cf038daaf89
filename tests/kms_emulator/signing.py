"""Server-side computation of Alibaba Cloud OpenAPI request signatures.

V3 (`ACS3-HMAC-SHA256`) is what alibabacloud-tea-openapi 0.4.6 sends by default.
V1 (HMAC-SHA1 in the `Signature` parameter) is what it sends with
`Config(signature_algorithm='v2')`, and what alibabacloud-credentials 1.0.12
sends to STS.
"""

import base64
import hashlib
import hmac
import re
from urllib.parse import quote, quote_plus

V3_ALGORITHM = "ACS3-HMAC-SHA256"

_AUTHORIZATION_PATTERN = re.compile(
    r"^(?P<algorithm>\S+)\s+Credential=(?P<key_id>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed_headers>[^,\s]*)\s*,\s*Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


class Authorization:
    """The parts of a V3 `Authorization` header."""

    def __init__(self, algorithm, key_id, signed_headers, signature):
        self.algorithm = algorithm
        self.key_id = key_id
        self.signed_headers = signed_headers
        self.signature = signature


def parse_authorization(value):
    """Parse a V3 `Authorization` header. Return None when it is malformed."""
    match = _AUTHORIZATION_PATTERN.match(value or "")
    if not match:
        return None

    signed_headers = [name for name in match["signed_headers"].split(";") if name]
    return Authorization(match["algorithm"], match["key_id"], signed_headers, match["signature"].lower())


def _percent_encode(text):
    """Encode like RFC 3986: everything but unreserved characters, space as %20."""
    return quote(text, safe="~", encoding="utf-8")


def v3_canonical_request(method, path, query, headers, signed_headers, payload_hash):
    """Build the V3 canonical request.

    `query` maps decoded parameter names to decoded values, and `headers` maps
    lower-case header names to lists of received values.
    """
    canonical_query = "&".join(
        f"{_percent_encode(name)}={_percent_encode(query[name])}" for name in sorted(query)
    )

    header_lines = []
    for name in signed_headers:
        values = sorted(value.strip() for value in headers.get(name, []))
        header_lines.append(f"{name}:{','.join(values)}\n")

    return "\n".join([
        method,
        path or "/",
        canonical_query,
        "".join(header_lines),
        ";".join(signed_headers),
        payload_hash,
    ])


def v3_string_to_sign(canonical_request):
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{V3_ALGORITHM}\n{digest}"


def v3_signature(secret, string_to_sign):
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _canonical_query_rfc3986(params):
    return "&".join(f"{_percent_encode(k)}={_percent_encode(params[k])}" for k in sorted(params))


def _canonical_query_form_style(params):
    return "&".join(f"{quote_plus(k)}={quote_plus(params[k])}" for k in sorted(params))


def v1_strings_to_sign(method, params):
    """Return the V1 strings to sign that the server accepts for `params`.

    The documented scheme percent-encodes a space as %20, and tea-openapi does
    so. alibabacloud-credentials 1.0.12 uses `quote_plus`, which encodes a space
    as `+`, so its string to sign differs whenever a value has a space (a
    `Policy`, for one). Both are accepted.
    """
    signed = {name: value for name, value in params.items() if name != "Signature"}
    candidates = []
    for canonical_query in (_canonical_query_rfc3986(signed), _canonical_query_form_style(signed)):
        string_to_sign = f"{method}&%2F&{_percent_encode(canonical_query)}"
        if string_to_sign not in candidates:
            candidates.append(string_to_sign)
    return candidates


def v1_signature(secret, string_to_sign):
    digest = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signatures_equal(expected, received):
    return hmac.compare_digest(expected.encode("utf-8"), (received or "").encode("utf-8"))
