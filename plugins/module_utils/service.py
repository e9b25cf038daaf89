# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the two modules: read the account's KMS status, and activate KMS where needed.

Plain inputs in (an API object with describe_account_kms_status() and open_kms_service(), and the
check mode flag), a ServiceResult or an ApiError out. Nothing here depends on AnsibleModule.
"""

from dataclasses import dataclass, field
from typing import List

from ansible_collections.alicloud.kms.plugins.module_utils.errors import ALREADY_DONE, ApiError


ENABLED = "Enabled"
NOT_ENABLED = "NotEnabled"
IN_DEBT = "InDebt"
SUSPENDED = "Suspended"

# Outcomes, as reported in the result and by the account_bootstrap role.
ACTIVATED = "activated"
WOULD_ACTIVATE = "would_activate"
ALREADY_ENABLED = "already_enabled"
UNUSABLE = "unusable"
INACTIVE = "not_enabled"

UNUSABLE_WARNINGS = {
    IN_DEBT: "KMS on this account is InDebt: the account has an overdue payment and KMS will stop soon. "
             "Settle the overdue bill in the Billing Management console to keep using KMS; nothing was "
             "changed.",
    SUSPENDED: "KMS on this account is Suspended: the service was stopped, usually because of an overdue "
               "payment. Settle the overdue bill in the Billing Management console to resume it; nothing "
               "was changed.",
}

LOST_REPLY_WARNING = (
    "The reply to an OpenKmsService attempt was lost (timeout, dropped connection or server error), and the "
    "retry found KMS already activated. This run most likely activated it, so it reports a change. If "
    "another run activated the account at the same moment, both report a change."
)


@dataclass
class ServiceResult:
    """The outcome a module reports: status before and after, whether it changed, and warnings."""

    changed: bool
    account_status: str
    status_before: str
    outcome: str
    warnings: List[str] = field(default_factory=list)


def read_kms_service(api, check_mode=False):
    """Report the account's KMS status without changing it, in check mode or not."""
    return _unchanged(api.describe_account_kms_status())


def ensure_kms_service(api, check_mode):
    """Activate KMS when the account is NotEnabled; otherwise leave it as it is.

    Only NotEnabled can be activated. OpenKmsService returns Forbidden.Opened when the account was
    activated between our probe and our call. When our first attempt got that error, another run
    activated it: success with changed=False. When an earlier attempt of ours failed in a way that
    may have taken effect (its reply was lost), our own call most likely activated it: success with
    changed=True and a warning, because an activation this run caused must not go unreported.
    """
    before = api.describe_account_kms_status()

    if before != NOT_ENABLED:
        return _unchanged(before)

    if check_mode:
        return ServiceResult(changed=True, account_status=ENABLED, status_before=before, outcome=WOULD_ACTIVATE)

    try:
        api.open_kms_service()
    except ApiError as error:
        if error.kind != ALREADY_DONE:
            raise
        if error.earlier_attempt_may_have_acted:
            return _lost_reply(api, before)
        return _unchanged(api.describe_account_kms_status())

    return ServiceResult(changed=True, account_status=ENABLED, status_before=before, outcome=ACTIVATED)


def _lost_reply(api, before):
    status = api.describe_account_kms_status()
    return ServiceResult(
        changed=True,
        account_status=status,
        status_before=before,
        outcome=ACTIVATED if status == ENABLED else _outcome_of(status),
        warnings=[LOST_REPLY_WARNING] + _warnings_for(status),
    )


def _unchanged(status):
    return ServiceResult(
        changed=False,
        account_status=status,
        status_before=status,
        outcome=_outcome_of(status),
        warnings=_warnings_for(status),
    )


def _outcome_of(status):
    if status == ENABLED:
        return ALREADY_ENABLED
    if status == NOT_ENABLED:
        return INACTIVE
    return UNUSABLE


def _warnings_for(status):
    if status in UNUSABLE_WARNINGS:
        return [UNUSABLE_WARNINGS[status]]
    if status not in (ENABLED, NOT_ENABLED):
        return ["KMS reported the account status %r, which this collection does not know: nothing was "
                "changed. Check the account in the KMS console." % status]
    return []
