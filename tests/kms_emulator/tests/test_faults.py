"""Scripted faults: error codes, retry-after, delays and dropped connections."""

import time

from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException

from .helpers import describe, error_of, kms_client, new_account, open_service


def test_throttling_with_retry_after(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling", http_status=400, retry_after_ms=1500)

    error = error_of(describe, client, emulator)

    assert isinstance(error, ThrottlingException)
    assert error.code == "Throttling"
    assert error.status_code == 400
    assert error.retry_after == 1500
    assert describe(client, emulator).account_status == "NotEnabled"


def test_throttling_as_503(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling", http_status=503, message="Slow down.")

    error = error_of(describe, client, emulator)

    assert isinstance(error, ServerException)
    assert error.code == "Throttling"
    assert error.status_code == 503
    assert error.data["Message"] == "Slow down."


def test_fault_times_and_order(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", code="ServiceUnavailable", http_status=503, times=2)
    emulator.add_fault("OpenKmsService", code="CreateLXOrderFailed")

    codes = []
    for _attempt in range(3):
        codes.append(error_of(open_service, client, emulator).code)
    open_service(client, emulator)

    assert codes == ["ServiceUnavailable", "ServiceUnavailable", "CreateLXOrderFailed"]
    assert [c["code"] for c in emulator.calls(action="OpenKmsService")] == codes + ["OK"]


def test_create_order_failed_leaves_status(emulator):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", code="CreateLXOrderFailed")

    error = error_of(open_service, client, emulator)

    assert isinstance(error, ClientException)
    assert error.data["Message"] == "Create order failed."
    assert emulator.account(account.account_id).status == "NotEnabled"


def test_fault_other_action_untouched(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", code="InternalError", http_status=500)

    assert describe(client, emulator).account_status == "NotEnabled"
    assert error_of(open_service, client, emulator).code == "InternalError"


def test_fault_limited_to_account(emulator):
    first, first_key, first_secret = new_account(emulator)
    _account, second_key, second_secret = new_account(emulator)
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling", account_id=first.account_id)

    assert describe(kms_client(emulator, second_key, second_secret), emulator).account_status == "NotEnabled"
    error = error_of(describe, kms_client(emulator, first_key, first_secret), emulator)

    assert error.code == "Throttling"


def test_any_action_fault(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("*", code="InternalFailure", http_status=500, times=2)

    assert error_of(describe, client, emulator).code == "InternalFailure"
    assert error_of(open_service, client, emulator).code == "InternalFailure"
    assert describe(client, emulator).account_status == "NotEnabled"


def test_code_fault_waits_for_valid_signature(emulator):
    _account, key_id, secret = new_account(emulator)
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling")

    bad = error_of(describe, kms_client(emulator, key_id, "wrong"), emulator)
    throttled = error_of(describe, kms_client(emulator, key_id, secret), emulator)

    assert bad.code == "SignatureDoesNotMatch"
    assert throttled.code == "Throttling"


def test_delay_causes_read_timeout(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, read_timeout=200)
    # The first call pays the SDK's one-time connection pool setup, which the timing below must exclude.
    describe(client, emulator)
    emulator.add_fault("DescribeAccountKmsStatus", delay=0.6)

    started = time.monotonic()
    error = error_of(describe, client, emulator)
    elapsed = time.monotonic() - started

    assert isinstance(error, UnretryableException)
    assert "timed out" in str(error).lower()
    assert elapsed < 0.55
    assert describe(client, emulator).account_status == "NotEnabled"


def test_delay_then_answer(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("DescribeAccountKmsStatus", delay=0.2)

    started = time.monotonic()
    describe(client, emulator)

    assert time.monotonic() - started >= 0.2


def test_delay_with_code(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("DescribeAccountKmsStatus", code="ServiceUnavailable", http_status=503, delay=0.1)

    error = error_of(describe, client, emulator)

    assert error.code == "ServiceUnavailable"
    assert describe(client, emulator).account_status == "NotEnabled"


def test_drop_resets_connection(emulator):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", drop=True)

    error = error_of(open_service, client, emulator)

    assert isinstance(error, UnretryableException)
    assert emulator.account(account.account_id).status == "NotEnabled"
    assert emulator.calls(action="OpenKmsService")[-1]["code"] == "ConnectionReset"
    assert emulator.calls(action="OpenKmsService")[-1]["http_status"] is None
    open_service(client, emulator)


def test_drop_over_https(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, protocol="https")
    describe(client, emulator)
    emulator.add_fault("DescribeAccountKmsStatus", drop=True)

    error = error_of(describe, client, emulator)

    assert isinstance(error, UnretryableException)
    assert describe(client, emulator).account_status == "NotEnabled"
