# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials of the ECS instance RAM role, from the instance metadata service.

The hardened flow first requests a session token (PUT /latest/api/token), then reads the role's
credentials with that token. When the token request fails, the plain flow without a token is used,
unless ALIBABA_CLOUD_IMDSV1_DISABLED is true. Requests bypass any proxy and use short timeouts,
because the metadata service answers only on the instance itself.
"""

import json
import os
import urllib.error
import urllib.request

from ansible_collections.alicloud.kms.plugins.module_utils.errors import CONNECTION, CREDENTIALS, TRANSIENT, ApiError


DEFAULT_METADATA_ENDPOINT = "http://100.100.100.200"
# Read by this collection only: points the ECS role source at another metadata server, such as a test double.
METADATA_ENDPOINT_ENV = "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT"
TOKEN_PATH = "/latest/api/token"
CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
TOKEN_TTL_SECONDS = 21600
TIMEOUT_SECONDS = 2.0
METADATA_LOOKUP = "ECS metadata"


def metadata_endpoint():
    """Return the metadata service's base URL."""
    return (os.environ.get(METADATA_ENDPOINT_ENV) or DEFAULT_METADATA_ENDPOINT).rstrip("/")


def fetch_role_credentials(transport, role_name):
    """Return the role's temporary credentials as Config keyword arguments. Raises ApiError."""
    base = metadata_endpoint()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def read_credentials(runtime):
        token = _session_token(opener, base)
        headers = {"X-aliyun-ecs-metadata-token": token} if token else {}
        body = _request(opener, "GET", base + CREDENTIALS_PATH + role_name, headers, role_name)
        return _parse_credentials(body, role_name, base)

    return transport.call(METADATA_LOOKUP, read_credentials)


def _session_token(opener, base):
    headers = {"X-aliyun-ecs-metadata-token-ttl-seconds": str(TOKEN_TTL_SECONDS)}
    try:
        return _request(opener, "PUT", base + TOKEN_PATH, headers, role_name=None)
    except ApiError:
        if os.environ.get("ALIBABA_CLOUD_IMDSV1_DISABLED", "false").lower() == "true":
            raise
        return None


def _request(opener, method, url, headers, role_name):
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        raise _http_error(error, url, role_name) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ApiError(kind=CONNECTION, message="the metadata service at %s did not respond (%s): the ECS "
                                                "role works only on an ECS instance" % (url, reason)) from None


def _http_error(error, url, role_name):
    if error.code == 404 and role_name:
        return ApiError(kind=CREDENTIALS, http_status=404,
                        message="the instance has no RAM role named %r (the metadata service returned 404 for "
                                "%s): check ecs_role_name and the role attached to the instance" % (role_name, url))
    kind = TRANSIENT if error.code >= 500 else CREDENTIALS
    return ApiError(kind=kind, http_status=error.code,
                    message="the metadata service returned HTTP %d for %s: check ecs_role_name and the instance's RAM role"
                            % (error.code, url))


def _parse_credentials(body, role_name, base):
    try:
        document = json.loads(body)
    except ValueError:
        document = None

    fields = ("AccessKeyId", "AccessKeySecret", "SecurityToken")
    if not isinstance(document, dict) or document.get("Code", "Success") != "Success" \
            or not all(document.get(name) for name in fields):
        raise ApiError(kind=CREDENTIALS, message="the metadata service at %s sent no usable credentials for the "
                                                 "RAM role %r" % (base, role_name))

    return dict(
        access_key_id=document["AccessKeyId"],
        access_key_secret=document["AccessKeySecret"],
        security_token=document["SecurityToken"],
    )
