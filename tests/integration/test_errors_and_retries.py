"""Every error class and the retry policy, through the real SDK and the emulator's faults."""

import socket

import pytest

MODULE = "alicloud_kms_service"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_failure_fields(result, code, http_status):
    assert result["changed"] is False
    assert result["error_code"] == code
    assert result["http_status"] == http_status
    assert result["request_id"]
    assert "Traceback" not in result["msg"]


def test_unknown_key_id(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    keys.key_id = "LTAI0000000000000000zzzz"

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "InvalidAccessKeyId.NotFound", 404)
    assert "access key LTAI...zzzz from the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID" in run.result["msg"]
    assert run.result["attempts"] == 1
    assert run.result.get("recommend")


def test_wrong_secret(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    ansible.secrets.add("wrong-secret-value-0123456789")
    keys.secret = "wrong-secret-value-0123456789"

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "SignatureDoesNotMatch", 400)
    assert "check access_key and secret_key" in run.result["msg"]
    assert run.result["attempts"] == 1


def test_expired_sts_token(ansible, emulator):
    owner = ansible.new_account("NotEnabled")
    keys = ansible.sts_keys(owner.account_id, expired=True)

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "InvalidSecurityToken.Expired", 400)
    assert "request a new STS token" in run.result["msg"]


def test_sts_key_without_token(ansible, emulator):
    owner = ansible.new_account("NotEnabled")
    keys = ansible.sts_keys(owner.account_id)
    keys.token = None

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "MissingSecurityToken", 400)
    assert "set security_token" in run.result["msg"]
    assert run.result["attempts"] == 1


def test_ram_permission_denied(ansible, emulator):
    keys = ansible.new_account("NotEnabled", denied_actions={"kms:OpenKmsService"})

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "Forbidden.RAM", 403)
    assert "grant the RAM action kms:OpenKmsService" in run.result["msg"]
    assert run.result["attempts"] == 2
    assert emulator.account(keys.account_id).status == "NotEnabled"


def test_no_real_name_verification(ansible, emulator):
    keys = ansible.new_account("NotEnabled", real_name_verified=False)

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "Forbidden.NoRealNameAuthentication", 400)
    assert "real-name verification" in run.result["msg"]
    assert run.result["attempts"] == 2


def test_other_error_as_given(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    emulator.add_fault("DescribeAccountKmsStatus", code="InvalidParameter", http_status=400,
                       message="The parameter is invalid.", account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys)

    assert run.rc != 0
    assert_failure_fields(run.result, "InvalidParameter", 400)
    assert "The parameter is invalid." in run.result["msg"]


@pytest.mark.parametrize("code, http_status", [
    ("Throttling", 400),
    ("Throttling.User", 400),
    ("ServiceUnavailable", 503),
    ("InternalError", 500),
    ("CreateLXOrderFailed", 400),
])
def test_transient_error_retried(ansible, emulator, code, http_status):
    keys = ansible.new_account("NotEnabled")
    action = "OpenKmsService" if code == "CreateLXOrderFailed" else "DescribeAccountKmsStatus"
    emulator.add_fault(action, code=code, http_status=http_status, times=2, account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys, args={"retries": 3})

    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert run.result["attempts"] == 4
    assert emulator.account(keys.account_id).status == "Enabled"


def test_retries_run_out(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling.Api", http_status=503, times=10,
                       account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys, args={"retries": 2})

    assert run.rc != 0
    assert_failure_fields(run.result, "Throttling.Api", 503)
    assert run.result["attempts"] == 3
    assert "after 3 attempts over" in run.result["msg"]
    assert len(emulator.calls(account_id=keys.account_id)) == 3


def test_retry_after_header_honoured(ansible, emulator):
    keys = ansible.new_account("Enabled")
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling", http_status=400, retry_after_ms=200,
                       account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys)

    calls = emulator.calls(account_id=keys.account_id)
    assert run.rc == 0, run.output
    assert run.result["attempts"] == 2
    assert calls[1]["time"] - calls[0]["time"] >= 0.2


def test_connection_refused(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    endpoint = "http://127.0.0.1:%d" % closed_port()

    run = ansible.module(MODULE, keys=keys, args={"endpoint": endpoint, "retries": 1})

    assert run.rc != 0
    assert run.result["error_code"] is None
    assert run.result["attempts"] == 2
    assert "Connection refused" in run.result["msg"]
    assert endpoint in run.result["msg"]


def test_dropped_connection_retried(ansible, emulator):
    keys = ansible.new_account("Enabled")
    emulator.add_fault("DescribeAccountKmsStatus", drop=True, account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys)

    assert run.rc == 0, run.output
    assert run.result["attempts"] == 2


def test_read_timeout_retried(ansible, emulator):
    keys = ansible.new_account("Enabled")
    emulator.add_fault("DescribeAccountKmsStatus", delay=2.0, account_id=keys.account_id)

    run = ansible.module(MODULE, keys=keys, args={"read_timeout": 0.5})

    assert run.rc == 0, run.output
    assert run.result["attempts"] == 2
