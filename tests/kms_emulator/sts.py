"""STS (API version 2015-04-01): AssumeRole."""

import json
import re
import time

from .errors import ApiError
from .kms import access_denied_detail

PRODUCT = "Sts"
API_VERSION = "2015-04-01"

MIN_DURATION_SECONDS = 900
MAX_DURATION_SECONDS = 43200
DEFAULT_DURATION_SECONDS = 3600

ROLE_ARN_PATTERN = re.compile(r"^acs:ram::(?P<account_id>\d+):role/(?P<name>[A-Za-z0-9.\-_]{1,64})$")
SESSION_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9.@\-_]{2,64}$")

TRUST_DENIED_MESSAGE = (
    "You are not authorized to do this action. You should be authorized by RAM. "
    "No permission perform sts:AssumeRole on this Role. Maybe you should check the role's trust policy, "
    "or the role doesn't belong to the account."
)


def format_expiration(unix_time):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(unix_time))


def _read_duration(params):
    raw = params.get("DurationSeconds")
    if raw in (None, ""):
        return DEFAULT_DURATION_SECONDS

    try:
        duration = int(raw)
    except ValueError:
        duration = None
    if duration is None or not MIN_DURATION_SECONDS <= duration <= MAX_DURATION_SECONDS:
        raise ApiError(
            400, "InvalidParameter.DurationSeconds",
            f"The Min/Max value of DurationSeconds is {MIN_DURATION_SECONDS}s/{MAX_DURATION_SECONDS}s, got {raw!r}.",
        )
    return duration


def _check_policy(params):
    policy = params.get("Policy")
    if not policy:
        return

    try:
        document = json.loads(policy)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ApiError(400, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check.")


def assume_role(store, identity, params):
    role_arn = params.get("RoleArn") or ""
    match = ROLE_ARN_PATTERN.match(role_arn)
    if not match:
        raise ApiError(400, "InvalidParameter.RoleArn",
                       f"The parameter RoleArn {role_arn!r} is wrongly formed: expected acs:ram::<account id>:role/<role name>.")

    session_name = params.get("RoleSessionName") or ""
    if not SESSION_NAME_PATTERN.match(session_name):
        raise ApiError(400, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed.")

    duration = _read_duration(params)
    _check_policy(params)

    # Role names are case-insensitive in ARNs, and ARNs carry them in lower case.
    normalized_arn = f"acs:ram::{match['account_id']}:role/{match['name'].lower()}"
    with store.lock:
        role = store.roles.get(normalized_arn)
        if role is None:
            raise ApiError(404, "EntityNotExist.Role", f"The role not exists: {role_arn}.")
        if identity.account_id not in role.trusted_accounts:
            raise ApiError(403, "NoPermission", TRUST_DENIED_MESSAGE)
        if role.external_id is not None and params.get("ExternalId") != role.external_id:
            raise ApiError(403, "NoPermission", TRUST_DENIED_MESSAGE + " The ExternalId does not meet the condition of the trust policy.")

        credential = store.issue_temporary_credential(role.account_id, duration, role.arn, session_name)

    return {
        "AssumedRoleUser": {
            "Arn": f"{role.arn}/{session_name}",
            "AssumedRoleId": f"{role.role_id}:{session_name}",
        },
        "Credentials": {
            "AccessKeyId": credential.key_id,
            "AccessKeySecret": credential.secret,
            "SecurityToken": credential.token,
            "Expiration": format_expiration(credential.expiration),
        },
    }


ACTIONS = {
    "AssumeRole": assume_role,
}


def permission_error(action, identity):
    ram_action = f"sts:{action}"
    return ApiError(
        403, "NoPermission",
        f"You are not authorized to do this action. You should be authorized by RAM. "
        f"The caller is not allowed to perform {ram_action}.",
        extra={"AccessDeniedDetail": access_denied_detail(ram_action, identity)},
    )
