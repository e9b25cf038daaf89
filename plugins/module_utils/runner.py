# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one of the collection's operations from validated module parameters and shape its result.

`run(operation, params, check_mode)` returns the dict a module exits with, failed or not. It does not
depend on AnsibleModule, so the module files and any other entry point share it unchanged.
"""

from ansible_collections.alicloud.kms.plugins.module_utils.client import KmsApi, SdkMissing
from ansible_collections.alicloud.kms.plugins.module_utils.credentials import CREDENTIAL_LOOKUPS, select_source
from ansible_collections.alicloud.kms.plugins.module_utils.errors import (
    ACCOUNT,
    CLOCK_SKEW_CODES,
    CONNECTION,
    CREDENTIALS,
    PERMISSION,
    STOP_TIME,
    TLS,
    TRANSIENT,
    ApiError,
)
from ansible_collections.alicloud.kms.plugins.module_utils.options import OptionError, connection_settings
from ansible_collections.alicloud.kms.plugins.module_utils.retry import RetryPolicy


# The RAM action each API operation needs, for permission errors.
RAM_ACTIONS = {
    "DescribeAccountKmsStatus": "kms:DescribeAccountKmsStatus",
    "OpenKmsService": "kms:OpenKmsService",
    "AssumeRole": "sts:AssumeRole",
}


def run(operation, params, check_mode=False, api_factory=KmsApi):
    """Validate `params`, run `operation(api, check_mode)`, and return the module result as a dict."""
    try:
        source = select_source(params)
        settings = connection_settings(params, default_region=getattr(source, "region", None))
    except OptionError as error:
        return dict(failed=True, changed=False, msg=str(error))

    try:
        api = api_factory(settings, source)
    except SdkMissing as error:
        return dict(failed=True, changed=False, msg=str(error))

    try:
        outcome = operation(api, check_mode)
    except ApiError as error:
        return failure_result(error, api, source, settings)

    return dict(
        changed=outcome.changed,
        account_status=outcome.account_status,
        outcome=outcome.outcome,
        request_id=api.request_id,
        attempts=api.attempts,
        warnings=outcome.warnings,
        diff=dict(
            before=dict(account_status=outcome.status_before),
            after=dict(account_status=outcome.account_status),
        ),
    )


def failure_result(error, api, source, settings):
    """Return the failed result for an ApiError: what failed, on which credentials, and what to do."""
    action = error.action or "the KMS call"
    result = dict(
        failed=True,
        changed=False,
        msg=failure_message(error, action, source, settings),
        error_code=error.code,
        request_id=error.request_id or api.request_id,
        http_status=error.http_status,
        attempts=api.attempts,
    )
    if error.recommend:
        result["recommend"] = error.recommend
    return result


def failure_message(error, action, source, settings):
    """Compose the message for a failed call. Names the credential source, never a secret."""
    code = " (%s)" % error.code if error.code else ""
    server = error.message

    if error.action in CREDENTIAL_LOOKUPS:
        return "Could not get credentials from %s: %s" % (source.describe(), server)

    if error.kind == CREDENTIALS:
        if error.code in CLOCK_SKEW_CODES:
            return ("%s was rejected%s because the request time is more than 15 minutes away from the "
                    "server's: correct the clock of the host that runs the module. Server message: %s"
                    % (action, code, server))
        return ("%s was rejected%s for %s: %s. Server message: %s"
                % (action, code, source.describe(), source.credentials_hint(), server))

    if error.kind == PERMISSION and action == "AssumeRole":
        caller = getattr(source, "describe_caller", source.describe)()
        return ("%s is not allowed to assume the role%s: grant that identity the RAM action sts:AssumeRole, and "
                "make the role's trust policy trust its account. Server message: %s"
                % (_capitalised(caller), code, server))

    if error.kind == PERMISSION:
        ram_action = RAM_ACTIONS.get(action, "the KMS action")
        return ("%s is not allowed to call %s%s: grant the RAM action %s to that identity. Server message: %s"
                % (_capitalised(source.describe()), action, code, ram_action, server))

    if error.kind == ACCOUNT:
        return ("KMS cannot be activated on this account%s: the account has not completed real-name "
                "verification. Finish it in the Alibaba Cloud console, then run again. Server message: %s"
                % (code, server))

    if error.kind == TLS:
        return ("%s to %s failed: %s. Set ca_bundle to the CA certificate that signed the endpoint's "
                "certificate, or validate_certs=false for a test endpoint only"
                % (action, settings.endpoint_url, server))

    attempts = _attempts_text(error)
    stopped = _stop_text(error)
    maybe_done = _maybe_done_text(error, action)
    if error.kind == CONNECTION:
        return ("%s to %s failed %s: %s.%s Check the endpoint, region and network (proxy variables "
                "included), then run again.%s" % (action, settings.endpoint_url, attempts, server, stopped, maybe_done))
    if error.kind == TRANSIENT:
        advice = "run again later" if error.stop_reason == STOP_TIME else "run again later, or raise retries"
        return ("%s failed %s%s: %s.%s The service is throttling or unavailable: %s.%s"
                % (action, attempts, code, server, stopped, advice, maybe_done))

    http_status = " HTTP %s" % error.http_status if error.http_status else ""
    return "%s failed%s%s: %s" % (action, code, http_status, server)


def _attempts_text(error):
    attempts = getattr(error, "attempts", 1)
    elapsed = getattr(error, "elapsed", 0.0)
    noun = "attempt" if attempts == 1 else "attempts"
    return "after %d %s over %.1f s" % (attempts, noun, elapsed)


def _stop_text(error):
    if error.stop_reason != STOP_TIME:
        return ""
    limit = RetryPolicy().max_elapsed
    if error.retry_after:
        return (" Retrying stopped because the server asked to wait %.1f s (x-acs-retry-after), which would pass "
                "the %.0f s time limit for retries." % (error.next_delay, limit))
    return (" Retrying stopped because the next wait of %.1f s would pass the %.0f s time limit for retries."
            % (error.next_delay, limit))


def _maybe_done_text(error, action):
    if action != "OpenKmsService" or not (error.may_have_acted or error.earlier_attempt_may_have_acted):
        return ""
    return (" A reply was lost, so KMS may have been activated all the same: the next run reports the "
            "account's status.")


def _capitalised(text):
    return text[:1].upper() + text[1:]
