import pytest

from ansible_collections.alicloud.kms.plugins.module_utils.errors import ALREADY_DONE, ACCOUNT, ApiError
from ansible_collections.alicloud.kms.plugins.module_utils.service import ensure_kms_service, read_kms_service


class FakeApi:
    """Records calls; statuses are returned in order by describe_account_kms_status()."""

    def __init__(self, *statuses, open_error=None):
        self.statuses = list(statuses)
        self.open_error = open_error
        self.calls = []

    def describe_account_kms_status(self):
        self.calls.append("Describe")
        return self.statuses.pop(0)

    def open_kms_service(self):
        self.calls.append("Open")
        if self.open_error:
            raise self.open_error


@pytest.mark.parametrize("before, check_mode, calls, changed, status, outcome, warns", [
    ("NotEnabled", False, ["Describe", "Open"], True, "Enabled", "activated", False),
    ("NotEnabled", True, ["Describe"], True, "Enabled", "would_activate", False),
    ("Enabled", False, ["Describe"], False, "Enabled", "already_enabled", False),
    ("Enabled", True, ["Describe"], False, "Enabled", "already_enabled", False),
    ("InDebt", False, ["Describe"], False, "InDebt", "unusable", True),
    ("Suspended", True, ["Describe"], False, "Suspended", "unusable", True),
])
def test_contract_table(before, check_mode, calls, changed, status, outcome, warns):
    api = FakeApi(before)
    result = ensure_kms_service(api, check_mode)
    assert api.calls == calls
    assert result.changed is changed
    assert result.account_status == status
    assert result.status_before == before
    assert result.outcome == outcome
    assert bool(result.warnings) is warns


def test_lost_race_is_unchanged():
    api = FakeApi("NotEnabled", "Enabled", open_error=ApiError(kind=ALREADY_DONE, message="opened",
                                                               code="Forbidden.Opened"))
    result = ensure_kms_service(api, check_mode=False)
    assert api.calls == ["Describe", "Open", "Describe"]
    assert result.changed is False
    assert result.account_status == "Enabled"


def test_open_error_raised():
    api = FakeApi("NotEnabled", open_error=ApiError(kind=ACCOUNT, message="real name",
                                                    code="Forbidden.NoRealNameAuthentication"))
    with pytest.raises(ApiError):
        ensure_kms_service(api, check_mode=False)


def test_unknown_status_warns_and_does_nothing():
    api = FakeApi("Frozen")
    result = ensure_kms_service(api, check_mode=False)
    assert api.calls == ["Describe"]
    assert result.changed is False
    assert "Frozen" in result.warnings[0]


def test_info_never_opens():
    api = FakeApi("NotEnabled")
    result = read_kms_service(api)
    assert api.calls == ["Describe"]
    assert result.changed is False
    assert result.outcome == "not_enabled"
