"""The module contract, end to end: ansible -> AnsiballZ -> the real SDK -> the emulator over HTTP(S)."""

import pytest

MODULE = "alicloud_kms_service"


def calls_by_action(emulator, account_id):
    return [call["action"] for call in emulator.calls(account_id=account_id)]


def assert_status_diff(stdout, before, after):
    assert '-    "account_status": "%s"' % before in stdout
    assert '+    "account_status": "%s"' % after in stdout


def test_not_enabled_is_activated(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module(MODULE, keys=keys)

    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert run.result["account_status"] == "Enabled"
    assert run.result["outcome"] == "activated"
    assert run.result["attempts"] == 2
    assert run.result["request_id"]
    assert calls_by_action(emulator, keys.account_id) == ["DescribeAccountKmsStatus", "OpenKmsService"]
    assert emulator.account(keys.account_id).status == "Enabled"


def test_rerun_is_unchanged(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    first = ansible.module(MODULE, keys=keys)
    second = ansible.module(MODULE, keys=keys)

    assert first.result["changed"] is True
    assert second.result["changed"] is False
    assert second.result["outcome"] == "already_enabled"
    assert calls_by_action(emulator, keys.account_id) == [
        "DescribeAccountKmsStatus", "OpenKmsService", "DescribeAccountKmsStatus"]


def test_check_mode_never_opens(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module(MODULE, keys=keys, check=True, diff=True)

    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert run.result["account_status"] == "Enabled"
    assert run.result["outcome"] == "would_activate"
    assert_status_diff(run.stdout, "NotEnabled", "Enabled")
    assert calls_by_action(emulator, keys.account_id) == ["DescribeAccountKmsStatus"]
    assert emulator.account(keys.account_id).status == "NotEnabled"


@pytest.mark.parametrize("check", [False, True])
def test_enabled_is_left_alone(ansible, emulator, check):
    keys = ansible.new_account("Enabled")

    run = ansible.module(MODULE, keys=keys, check=check)

    assert run.rc == 0, run.output
    assert run.result["changed"] is False
    assert run.result["account_status"] == "Enabled"
    assert run.result["attempts"] == 1
    assert calls_by_action(emulator, keys.account_id) == ["DescribeAccountKmsStatus"]


@pytest.mark.parametrize("status, check", [("InDebt", False), ("Suspended", False), ("InDebt", True)])
def test_unusable_status_warns(ansible, emulator, status, check):
    keys = ansible.new_account(status)

    run = ansible.module(MODULE, keys=keys, check=check)

    assert run.rc == 0, run.output
    assert run.result["changed"] is False
    assert run.result["account_status"] == status
    assert run.result["outcome"] == "unusable"
    assert "KMS on this account is %s" % status in run.stderr
    assert calls_by_action(emulator, keys.account_id) == ["DescribeAccountKmsStatus"]


def test_lost_race_is_unchanged(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    # Another run activates the account between our probe and our OpenKmsService call.
    emulator.add_fault("OpenKmsService", code="Forbidden.Opened", http_status=400,
                       message="Your kms service has been opened.", account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys)

    assert run.rc == 0, run.output
    assert run.result["changed"] is False
    assert calls_by_action(emulator, keys.account_id) == [
        "DescribeAccountKmsStatus", "OpenKmsService", "DescribeAccountKmsStatus"]


def test_diff_shows_status(ansible):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module(MODULE, keys=keys, diff=True)

    assert_status_diff(run.stdout, "NotEnabled", "Enabled")


def test_info_reads_status(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module("alicloud_kms_service_info", keys=keys)

    assert run.rc == 0, run.output
    assert run.result["changed"] is False
    assert run.result["account_status"] == "NotEnabled"
    assert run.result["outcome"] == "not_enabled"
    assert calls_by_action(emulator, keys.account_id) == ["DescribeAccountKmsStatus"]


def test_https_with_ca_bundle(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module(MODULE, keys=keys, args={"endpoint": emulator.https_url, "ca_bundle": emulator.ca_path})

    assert run.rc == 0, run.output
    assert run.result["changed"] is True


def test_https_untrusted_certificate(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module(MODULE, keys=keys, args={"endpoint": emulator.https_url})

    assert run.rc != 0
    assert "certificate verify failed" in run.result["msg"]
    assert "Set ca_bundle" in run.result["msg"]
    assert emulator.calls(account_id=keys.account_id) == []


def test_https_without_validation(ansible, emulator):
    keys = ansible.new_account("Enabled")

    run = ansible.module(MODULE, keys=keys, args={"endpoint": emulator.https_url, "validate_certs": False})

    assert run.rc == 0, run.output
    assert run.result["account_status"] == "Enabled"


def test_sts_token_credentials(ansible, emulator):
    owner = ansible.new_account("NotEnabled")
    keys = ansible.sts_keys(owner.account_id)

    run = ansible.module(MODULE, keys=keys)

    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert all(call["token_presented"] for call in emulator.calls(account_id=owner.account_id))
