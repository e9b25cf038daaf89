"""Faults that act after the call took effect, the activation counter, and the record of signatures seen."""

import json
import re
import urllib.request

from alibabacloud_tea_openapi.exceptions import ServerException
from darabonba.exceptions import UnretryableException

from .helpers import describe, error_of, kms_client, new_account, open_service


def test_drop_after_action_activates(emulator):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", drop=True, after_action=True)

    error = error_of(open_service, client, emulator)

    assert isinstance(error, UnretryableException)
    assert emulator.account(account.account_id).status == "Enabled"
    assert emulator.account(account.account_id).activations == 1
    assert emulator.calls(action="OpenKmsService")[-1]["code"] == "ConnectionReset"


def test_error_after_action_activates(emulator):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", code="InternalError", http_status=500, after_action=True)

    error = error_of(open_service, client, emulator)
    retry = error_of(open_service, client, emulator)

    assert isinstance(error, ServerException)
    assert error.code == "InternalError"
    assert retry.code == "Forbidden.Opened"
    assert emulator.account(account.account_id).activations == 1


def test_delay_after_action_times_out(emulator):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, read_timeout=300)
    describe(client, emulator)
    emulator.add_fault("OpenKmsService", delay=0.8, after_action=True)

    error = error_of(open_service, client, emulator)

    assert isinstance(error, UnretryableException)
    assert "timed out" in str(error).lower()
    # The server acted before it started to wait, so the status changed before the client gave up.
    assert emulator.account(account.account_id).status == "Enabled"


def test_after_action_fault_skips_failed_call(emulator):
    account, key_id, secret = new_account(emulator, status="Enabled")
    client = kms_client(emulator, key_id, secret)
    emulator.add_fault("OpenKmsService", drop=True, after_action=True)

    error = error_of(open_service, client, emulator)

    assert error.code == "Forbidden.Opened"
    assert emulator.account(account.account_id).activations == 0


def test_after_action_through_admin_api(emulator):
    account, key_id, secret = new_account(emulator)
    body = json.dumps({"action": "OpenKmsService", "drop": True, "after_action": True}).encode()
    request = urllib.request.Request(emulator.http_url + "/_emulator/faults", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        assert json.load(response) == {"ok": True}

    error_of(open_service, kms_client(emulator, key_id, secret), emulator)

    assert emulator.account(account.account_id).to_dict()["activations"] == 1


def test_activations_count_only_changes(emulator):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)

    open_service(client, emulator)
    error_of(open_service, client, emulator)

    assert emulator.account(account.account_id).activations == 1


def test_v3_signatures_recorded(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)

    describe(client, emulator)
    describe(client, emulator)

    signatures = emulator.signatures()
    assert len(signatures) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", signature) for signature in signatures)


def test_v1_signature_recorded(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, signature_algorithm="v2")

    describe(client, emulator)

    (signature,) = emulator.signatures()
    assert re.fullmatch(r"[A-Za-z0-9+/]{27}=", signature)
