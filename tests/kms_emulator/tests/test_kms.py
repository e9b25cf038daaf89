"""KMS operations and authentication, driven through the real SDK."""

import http.client
import json
import socket
import threading
import time
from datetime import datetime, timedelta

import pytest
from alibabacloud_tea_openapi import utils as openapi_utils
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
from darabonba.exceptions import UnretryableException

from .helpers import describe, error_of, kms_client, new_account, open_service, runtime

SCHEMES = [
    pytest.param("http", None, id="http-v3"),
    pytest.param("http", "v2", id="http-v1"),
    pytest.param("https", None, id="https-v3"),
    pytest.param("https", "v2", id="https-v1"),
]


@pytest.mark.parametrize("protocol,algorithm", SCHEMES)
def test_describe_then_open(emulator, protocol, algorithm):
    account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, protocol=protocol, signature_algorithm=algorithm)

    assert describe(client, emulator).account_status == "NotEnabled"
    opened = open_service(client, emulator)
    assert describe(client, emulator).account_status == "Enabled"

    assert opened.request_id
    assert emulator.account(account.account_id).status == "Enabled"
    calls = emulator.calls(account_id=account.account_id)
    assert [c["action"] for c in calls] == ["DescribeAccountKmsStatus", "OpenKmsService", "DescribeAccountKmsStatus"]
    assert {c["signature_version"] for c in calls} == {"v1" if algorithm == "v2" else "v3"}
    assert all(c["code"] == "OK" and c["http_status"] == 200 for c in calls)


def test_request_ids_fresh_and_upper_case(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)

    ids = [describe(client, emulator).request_id for _number in range(5)]

    assert len(set(ids)) == 5
    assert all(request_id == request_id.upper() and len(request_id) == 36 for request_id in ids)


@pytest.mark.parametrize("status", ["Enabled", "InDebt", "Suspended"])
def test_open_on_other_status_is_opened(emulator, status):
    _account, key_id, secret = new_account(emulator, status=status)
    client = kms_client(emulator, key_id, secret)

    error = error_of(open_service, client, emulator)

    assert isinstance(error, ClientException)
    assert error.code == "Forbidden.Opened"
    assert error.status_code == 400
    assert error.data["Message"] == "Your kms service has been opened."
    assert describe(client, emulator).account_status == status


def test_open_without_real_name(emulator):
    account, key_id, secret = new_account(emulator, real_name_verified=False)
    client = kms_client(emulator, key_id, secret)

    error = error_of(open_service, client, emulator)

    assert error.code == "Forbidden.NoRealNameAuthentication"
    assert error.status_code == 400
    assert emulator.account(account.account_id).status == "NotEnabled"


def test_error_body_shape(emulator):
    _account, key_id, secret = new_account(emulator, status="Enabled")
    client = kms_client(emulator, key_id, secret)

    error = error_of(open_service, client, emulator)

    # The SDK adds `statusCode` to the body it received.
    assert set(error.data) - {"statusCode"} == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert error.data["Recommend"].startswith("https://api.aliyun.com/troubleshoot?q=Forbidden.Opened")
    assert error.request_id == error.data["RequestId"]


def test_denied_action_is_forbidden_ram(emulator):
    account, key_id, secret = new_account(emulator, denied_actions={"kms:OpenKmsService"})
    client = kms_client(emulator, key_id, secret)

    assert describe(client, emulator).account_status == "NotEnabled"
    error = error_of(open_service, client, emulator)

    assert error.code == "Forbidden.RAM"
    assert error.status_code == 403
    assert "kms:OpenKmsService" in error.data["Message"]
    assert error.data["AccessDeniedDetail"]["AuthAction"] == "kms:OpenKmsService"
    assert emulator.account(account.account_id).status == "NotEnabled"


def test_unknown_action(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    params = Params(action="DescribeNothing", version="2016-01-20", protocol="HTTPS", pathname="/", method="POST",
                    auth_type="AK", style="RPC", req_body_type="formData", body_type="json")

    error = error_of(client.call_api, params, OpenApiRequest(), runtime(emulator))

    assert error.code == "InvalidAction.NotFound"
    assert error.status_code == 400


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["v3", "v1"])
def test_unknown_key_id(emulator, algorithm):
    new_account(emulator)
    client = kms_client(emulator, "LTAI" + "x" * 20, "secret", signature_algorithm=algorithm)

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidAccessKeyId.NotFound"
    assert error.status_code == 404


def test_inactive_key(emulator):
    account = emulator.add_account()
    key_id, secret = emulator.add_access_key(account.account_id, active=False)
    client = kms_client(emulator, key_id, secret)

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidAccessKeyId.Inactive"
    assert error.status_code == 403


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["v3", "v1"])
def test_wrong_secret(emulator, algorithm):
    _account, key_id, _secret = new_account(emulator)
    client = kms_client(emulator, key_id, "not-the-secret", signature_algorithm=algorithm)

    error = error_of(describe, client, emulator)

    assert error.code == "SignatureDoesNotMatch"
    assert error.status_code == 400
    assert "server string to sign is:" in error.data["Message"]


def _post(emulator, headers, body=b""):
    connection = http.client.HTTPConnection("127.0.0.1", int(emulator.http_url.rsplit(":", 1)[1]), timeout=5)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_missing_authorization(emulator):
    status, body = _post(emulator, {"x-acs-action": "DescribeAccountKmsStatus", "x-acs-version": "2016-01-20"})

    assert status == 400
    assert body["Code"] == "IncompleteSignature"
    assert emulator.calls()[-1]["code"] == "IncompleteSignature"


def test_garbled_authorization(emulator):
    headers = {
        "x-acs-action": "DescribeAccountKmsStatus",
        "x-acs-version": "2016-01-20",
        "Authorization": "ACS3-HMAC-SHA256 Credential=LTAIabc",
    }

    status, body = _post(emulator, headers)

    assert status == 400
    assert body["Code"] == "IncompleteSignature"


def test_sts_token_accepted(emulator):
    account = emulator.add_account(status="Enabled")
    key_id, secret, token = emulator.issue_sts_token(account.account_id)

    for algorithm in (None, "v2"):
        client = kms_client(emulator, key_id, secret, token=token, signature_algorithm=algorithm)
        assert describe(client, emulator).account_status == "Enabled"

    calls = emulator.calls()
    assert all(call["token_presented"] for call in calls)
    assert all(call["account_id"] == account.account_id for call in calls)
    assert token not in json.dumps(calls)
    assert secret not in json.dumps(calls)


def test_sts_token_expired(emulator):
    account = emulator.add_account()
    key_id, secret, token = emulator.issue_sts_token(account.account_id, expired=True)
    client = kms_client(emulator, key_id, secret, token=token)

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidSecurityToken.Expired"
    assert error.status_code == 400


def test_sts_token_missing(emulator):
    account = emulator.add_account()
    key_id, secret, _token = emulator.issue_sts_token(account.account_id)
    client = kms_client(emulator, key_id, secret)

    error = error_of(describe, client, emulator)

    assert error.code == "MissingSecurityToken"
    assert error.status_code == 400


def test_sts_token_unknown(emulator):
    account = emulator.add_account()
    key_id, secret, _token = emulator.issue_sts_token(account.account_id)
    client = kms_client(emulator, key_id, secret, token="CAISnot-a-token")

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidSecurityToken.Malformed"


def test_sts_token_of_other_key(emulator):
    account = emulator.add_account()
    key_id, secret, _token = emulator.issue_sts_token(account.account_id)
    _key_id, _secret, other_token = emulator.issue_sts_token(account.account_id)
    client = kms_client(emulator, key_id, secret, token=other_token)

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidSecurityToken.MismatchWithAccessKey"


@pytest.mark.parametrize("skew", [timedelta(minutes=-20), timedelta(minutes=20)], ids=["past", "future"])
@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["v3", "v1"])
def test_clock_skew(emulator, monkeypatch, skew, algorithm):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, signature_algorithm=algorithm)
    skewed = (datetime.utcnow() + skew).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setattr(openapi_utils.Utils, "get_timestamp", staticmethod(lambda: skewed))

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidTimeStamp.Expired"
    assert error.status_code == 400


def test_clock_skew_within_window(emulator, monkeypatch):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret)
    skewed = (datetime.utcnow() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setattr(openapi_utils.Utils, "get_timestamp", staticmethod(lambda: skewed))

    assert describe(client, emulator).account_status == "NotEnabled"


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["v3", "v1"])
def test_nonce_reuse(emulator, monkeypatch, algorithm):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, signature_algorithm=algorithm)
    monkeypatch.setattr(openapi_utils.Utils, "get_nonce", staticmethod(lambda: "fixed-nonce"))

    describe(client, emulator)
    error = error_of(describe, client, emulator)

    assert error.code == "SignatureNonceUsed"
    assert error.status_code == 400


def test_https_rejects_untrusted_ca(emulator):
    _account, key_id, secret = new_account(emulator)
    client = kms_client(emulator, key_id, secret, protocol="https")

    error = error_of(client.describe_account_kms_status_with_options, runtime(emulator, ca=None))

    assert isinstance(error, UnretryableException)
    assert "CERTIFICATE_VERIFY_FAILED" in str(error)


def test_concurrent_opens_one_success(emulator):
    account, key_id, secret = new_account(emulator)
    outcomes = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def open_once():
        client = kms_client(emulator, key_id, secret)
        start.wait()
        try:
            open_service(client, emulator)
            outcome = "OK"
        except ClientException as error:
            outcome = error.code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=open_once) for _number in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("OK") == 1
    assert outcomes.count("Forbidden.Opened") == 15
    assert emulator.account(account.account_id).status == "Enabled"


def test_call_log_filters_and_reset(emulator):
    first, first_key, first_secret = new_account(emulator)
    second, second_key, second_secret = new_account(emulator)
    describe(kms_client(emulator, first_key, first_secret), emulator)
    open_service(kms_client(emulator, second_key, second_secret), emulator)

    assert len(emulator.calls()) == 2
    assert [c["key_id"] for c in emulator.calls(account_id=first.account_id)] == [first_key]
    assert [c["account_id"] for c in emulator.calls(action="OpenKmsService")] == [second.account_id]

    emulator.reset_calls()

    assert emulator.calls() == []


def test_keep_alive_and_nodelay(emulator):
    port = int(emulator.http_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    started = time.monotonic()
    try:
        for _number in range(20):
            connection.request("GET", "/_emulator/health")
            response = connection.getresponse()
            assert response.status == 200
            response.read()
        server_sockets = list(emulator._servers["http"]._connections)
        nodelay = [sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for sock in server_sockets]
    finally:
        connection.close()

    # Twenty requests share one connection, and a delayed-ACK stall would cost about 40 ms each.
    assert time.monotonic() - started < 0.4
    assert len(server_sockets) == 1
    assert nodelay == [1]
