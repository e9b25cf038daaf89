"""KMS (API version 2016-01-20): the account activation operations."""

from .errors import ApiError

PRODUCT = "Kms"
API_VERSION = "2016-01-20"


def describe_account_kms_status(store, identity, params):
    with store.lock:
        return {"AccountStatus": store.account(identity.account_id).status}


def open_kms_service(store, identity, params):
    # The status check and the change happen under one lock, so of concurrent
    # calls for a NotEnabled account exactly one succeeds.
    with store.lock:
        account = store.account(identity.account_id)
        if account.status != "NotEnabled":
            raise ApiError(400, "Forbidden.Opened", "Your kms service has been opened.")
        if not account.real_name_verified:
            raise ApiError(400, "Forbidden.NoRealNameAuthentication", "Real name authentication is needed.")

        account.status = "Enabled"
        account.activations += 1
        return {}


ACTIONS = {
    "DescribeAccountKmsStatus": describe_account_kms_status,
    "OpenKmsService": open_kms_service,
}


def permission_error(action, identity):
    ram_action = f"kms:{action}"
    return ApiError(
        403, "Forbidden.RAM",
        f"User not authorized to operate on the specified resource, or this API doesn't support RAM. "
        f"The caller is not allowed to perform {ram_action}.",
        extra={"AccessDeniedDetail": access_denied_detail(ram_action, identity)},
    )


def access_denied_detail(ram_action, identity):
    """Return the `AccessDeniedDetail` body field that real RAM denials carry."""
    return {
        "AuthAction": ram_action,
        "AuthPrincipalOwnerId": identity.account_id,
        "AuthPrincipalType": "AssumedRoleUser" if identity.temporary else "SubUser",
        "NoPermissionType": "ImplicitDeny",
        "PolicyType": "AccountLevelIdentityBasedPolicy",
    }
