"""STS AssumeRole, through alibabacloud-credentials and through tea-openapi's generic client."""

import calendar
import json
import time

import pytest
from alibabacloud_credentials.client import Client as CredentialsClient
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_credentials.models import Config as CredentialsConfig
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_tea_openapi.models import Config

from .helpers import assume_role_call, describe, error_of, new_account, open_service


@pytest.fixture
def trust(emulator, monkeypatch):
    """A caller account with a key, and a target account whose role `KmsAdmin` trusts the caller."""
    # alibabacloud-credentials 1.0.12 calls STS over HTTPS through requests'
    # Session.send, which skips REQUESTS_CA_BUNDLE. OpenSSL's SSL_CERT_FILE,
    # read when the SSL context is created, is what makes it trust the CA.
    monkeypatch.setenv("SSL_CERT_FILE", emulator.ca_path)

    caller, key_id, secret = new_account(emulator)
    target = emulator.add_account(status="NotEnabled")
    role_arn = emulator.add_role(target.account_id, "KmsAdmin", trusted_accounts=[caller.account_id])
    return caller, key_id, secret, target, role_arn


def credentials_client(emulator, key_id, secret, role_arn, **options):
    config = CredentialsConfig(
        type="ram_role_arn",
        access_key_id=key_id,
        access_key_secret=secret,
        role_arn=role_arn,
        sts_endpoint=emulator.https_endpoint,
        **options,
    )
    return CredentialsClient(config)


def test_assume_role_through_credentials_library(emulator, trust):
    caller, key_id, secret, target, role_arn = trust

    credential = credentials_client(emulator, key_id, secret, role_arn, role_session_name="bootstrap").get_credential()

    assert credential.access_key_id.startswith("STS.")
    assert credential.security_token
    call = emulator.calls(action="AssumeRole")[-1]
    assert call["code"] == "OK"
    assert call["signature_version"] == "v1"
    assert call["account_id"] == caller.account_id


def test_assumed_role_acts_as_target_account(emulator, trust):
    caller, key_id, secret, target, role_arn = trust
    credentials = credentials_client(emulator, key_id, secret, role_arn, role_session_name="bootstrap")
    client = KmsClient(Config(credential=credentials, endpoint=emulator.https_endpoint, protocol="https", region_id="cn-hangzhou"))

    assert describe(client, emulator).account_status == "NotEnabled"
    open_service(client, emulator)

    assert emulator.account(target.account_id).status == "Enabled"
    assert emulator.account(caller.account_id).status == "NotEnabled"
    kms_calls = [c for c in emulator.calls() if c["service"] == "kms"]
    assert {c["account_id"] for c in kms_calls} == {target.account_id}
    assert all(c["token_presented"] for c in kms_calls)


def test_policy_with_spaces_signed_by_credentials(emulator, trust):
    _caller, key_id, secret, _target, role_arn = trust
    policy = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]})

    credential = credentials_client(emulator, key_id, secret, role_arn, role_session_name="bootstrap", policy=policy).get_credential()

    assert credential.access_key_id.startswith("STS.")


def test_credentials_library_reports_error(emulator, trust):
    _caller, key_id, secret, _target, _role_arn = trust
    client = credentials_client(emulator, key_id, secret, "acs:ram::1234567890123456:role/missing", role_session_name="bootstrap")

    error = error_of(client.get_credential)

    assert isinstance(error, CredentialException)
    assert "http_code: 404" in str(error)
    assert "EntityNotExist.Role" in str(error)


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["v3", "v1"])
def test_assume_role_generic_client(emulator, trust, algorithm):
    _caller, key_id, secret, target, role_arn = trust

    body = assume_role_call(emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "s-1", "DurationSeconds": "900"},
                            signature_algorithm=algorithm)

    assert body["AssumedRoleUser"]["Arn"] == f"acs:ram::{target.account_id}:role/kmsadmin/s-1"
    assert body["AssumedRoleUser"]["AssumedRoleId"].endswith(":s-1")
    expiration = calendar.timegm(time.strptime(body["Credentials"]["Expiration"], "%Y-%m-%dT%H:%M:%SZ"))
    assert 890 <= expiration - time.time() <= 901
    assert body["RequestId"]


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["v3", "v1"])
def test_assume_role_form_body(emulator, trust, algorithm):
    _caller, key_id, secret, _target, role_arn = trust

    body = assume_role_call(emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "form-body"},
                            signature_algorithm=algorithm, in_body=True)

    assert body["Credentials"]["AccessKeyId"].startswith("STS.")


def test_role_arn_case_insensitive(emulator, trust):
    _caller, key_id, secret, target, _role_arn = trust

    body = assume_role_call(emulator, key_id, secret, {"RoleArn": f"acs:ram::{target.account_id}:role/KMSADMIN", "RoleSessionName": "s-1"})

    assert body["Credentials"]["AccessKeyId"].startswith("STS.")


def test_role_chaining(emulator, trust):
    caller, key_id, secret, target, role_arn = trust
    third = emulator.add_account()
    second_arn = emulator.add_role(third.account_id, "Auditor", trusted_accounts=[target.account_id])
    first = assume_role_call(emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "hop-1"})["Credentials"]

    second = assume_role_call(emulator, first["AccessKeyId"], first["AccessKeySecret"],
                              {"RoleArn": second_arn, "RoleSessionName": "hop-2"}, token=first["SecurityToken"])

    assert emulator.calls(action="AssumeRole")[-1]["account_id"] == target.account_id
    assert emulator.store.find_key(second["Credentials"]["AccessKeyId"]).account_id == third.account_id


def test_assumed_credentials_expire(emulator, trust):
    _caller, key_id, secret, _target, role_arn = trust
    credentials = assume_role_call(emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "s-1"})["Credentials"]
    emulator.store.find_key(credentials["AccessKeyId"]).expiration = time.time() - 1
    client = KmsClient(Config(access_key_id=credentials["AccessKeyId"], access_key_secret=credentials["AccessKeySecret"],
                              security_token=credentials["SecurityToken"], endpoint=emulator.http_endpoint, protocol="http"))

    error = error_of(describe, client, emulator)

    assert error.code == "InvalidSecurityToken.Expired"


ERROR_CASES = [
    pytest.param({"RoleArn": "arn:aws:iam::1:role/x"}, 400, "InvalidParameter.RoleArn", id="arn-shape"),
    pytest.param({"RoleArn": None}, 400, "InvalidParameter.RoleArn", id="arn-missing"),
    pytest.param({"RoleSessionName": "a"}, 400, "InvalidParameter.RoleSessionName", id="session-short"),
    pytest.param({"RoleSessionName": "a" * 65}, 400, "InvalidParameter.RoleSessionName", id="session-long"),
    pytest.param({"RoleSessionName": "abc*abc"}, 400, "InvalidParameter.RoleSessionName", id="session-chars"),
    pytest.param({"DurationSeconds": "899"}, 400, "InvalidParameter.DurationSeconds", id="duration-low"),
    pytest.param({"DurationSeconds": "43201"}, 400, "InvalidParameter.DurationSeconds", id="duration-high"),
    pytest.param({"DurationSeconds": "ten"}, 400, "InvalidParameter.DurationSeconds", id="duration-text"),
    pytest.param({"Policy": "{not json"}, 400, "InvalidParameter.PolicyGrammar", id="policy"),
    pytest.param({"RoleArn": "acs:ram::1234567890123456:role/missing"}, 404, "EntityNotExist.Role", id="no-role"),
]


@pytest.mark.parametrize("overrides,status,code", ERROR_CASES)
def test_assume_role_rejects(emulator, trust, overrides, status, code):
    _caller, key_id, secret, _target, role_arn = trust
    query = {"RoleArn": role_arn, "RoleSessionName": "valid-name", "DurationSeconds": "3600"}
    query.update(overrides)
    query = {name: value for name, value in query.items() if value is not None}

    error = error_of(assume_role_call, emulator, key_id, secret, query)

    assert error.code == code
    assert error.status_code == status


def test_untrusted_caller(emulator, trust):
    _caller, _key_id, _secret, _target, role_arn = trust
    _account, other_key, other_secret = new_account(emulator)

    error = error_of(assume_role_call, emulator, other_key, other_secret, {"RoleArn": role_arn, "RoleSessionName": "s-1"})

    assert error.code == "NoPermission"
    assert error.status_code == 403
    assert error.data["Message"].startswith("You are not authorized to do this action.")


def test_external_id(emulator, trust):
    caller, key_id, secret, target, _role_arn = trust
    role_arn = emulator.add_role(target.account_id, "Vendor", trusted_accounts=[caller.account_id], external_id="abc-123")

    missing = error_of(assume_role_call, emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "s-1"})
    wrong = error_of(assume_role_call, emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "s-1", "ExternalId": "x"})
    body = assume_role_call(emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "s-1", "ExternalId": "abc-123"})

    assert missing.code == "NoPermission"
    assert missing.status_code == 403
    assert wrong.code == "NoPermission"
    assert body["Credentials"]["AccessKeyId"].startswith("STS.")


def test_assume_role_permission_denied(emulator, trust):
    caller, key_id, secret, _target, role_arn = trust
    emulator.account(caller.account_id).denied_actions.add("sts:AssumeRole")

    error = error_of(assume_role_call, emulator, key_id, secret, {"RoleArn": role_arn, "RoleSessionName": "s-1"})

    assert error.code == "NoPermission"
    assert error.status_code == 403
    assert "sts:AssumeRole" in error.data["Message"]
