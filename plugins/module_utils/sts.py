# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""STS AssumeRole: trade base credentials for temporary credentials of a RAM role.

The call goes through the module's Transport, so validate_certs, ca_bundle, timeouts and retries
apply to STS exactly as they do to KMS.
"""

from ansible_collections.alicloud.kms.plugins.module_utils.errors import OTHER, ApiError
from ansible_collections.alicloud.kms.plugins.module_utils.options import parse_url


STS_API_VERSION = "2015-04-01"
DEFAULT_STS_ENDPOINT = "https://sts.aliyuncs.com"


def parse_sts_endpoint(value):
    """Return (protocol, host) for the sts_endpoint option, the public STS endpoint when it is None."""
    return parse_url("sts_endpoint", value if value is not None else DEFAULT_STS_ENDPOINT,
                     example=DEFAULT_STS_ENDPOINT)


def assume_role(transport, base_config_kwargs, endpoint, role_arn, session_name, duration, policy=None,
                external_id=None):
    """Call AssumeRole and return the temporary credentials as Config keyword arguments.

    `endpoint` is a (protocol, host) pair. Raises ApiError with action AssumeRole.
    """
    sdk = transport.sdk
    protocol, host = endpoint
    client = sdk.OpenApiClient(transport.config(protocol, host, base_config_kwargs))

    query = {"RoleArn": role_arn, "RoleSessionName": session_name, "DurationSeconds": str(duration)}
    if policy:
        query["Policy"] = policy
    if external_id:
        query["ExternalId"] = external_id

    params = sdk.Params(action="AssumeRole", version=STS_API_VERSION, protocol=protocol.upper(), pathname="/",
                        method="POST", auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    request = sdk.OpenApiRequest(query=query)

    response = transport.call("AssumeRole", lambda runtime: client.call_api(params, request, runtime))
    return _temporary_credentials(response, role_arn)


def _temporary_credentials(response, role_arn):
    body = response.get("body") if isinstance(response, dict) else None
    credentials = body.get("Credentials") if isinstance(body, dict) else None
    fields = ("AccessKeyId", "AccessKeySecret", "SecurityToken")
    if not isinstance(credentials, dict) or not all(credentials.get(name) for name in fields):
        raise ApiError(kind=OTHER, action="AssumeRole",
                       message="STS returned no temporary credentials for AssumeRole of %s: check sts_endpoint" % role_arn)

    return dict(
        access_key_id=credentials["AccessKeyId"],
        access_key_secret=credentials["AccessKeySecret"],
        security_token=credentials["SecurityToken"],
    )
