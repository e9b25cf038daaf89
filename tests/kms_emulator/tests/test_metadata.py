"""The ECS metadata service, raw and through alibabacloud-credentials' ECS RAM role provider."""

import http.client
import json

import pytest
from alibabacloud_credentials.client import Client as CredentialsClient
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_credentials.http import HttpOptions
from alibabacloud_credentials.models import Config as CredentialsConfig
from alibabacloud_credentials.provider import EcsRamRoleCredentialsProvider
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_tea_openapi.models import Config

from .helpers import describe, error_of

CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"


def fetch(emulator, method, path, headers=None):
    port = int(emulator.metadata_url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def session_token(emulator):
    status, token = fetch(emulator, "PUT", "/latest/api/token", {"X-aliyun-ecs-metadata-token-ttl-seconds": "60"})
    assert status == 200
    return token


@pytest.fixture
def ecs_account(emulator):
    account = emulator.add_account(status="Enabled")
    emulator.set_ecs_role("EcsKmsRole", account.account_id, require_token=True)
    return account


def test_token_flow(emulator, ecs_account):
    headers = {"X-aliyun-ecs-metadata-token": session_token(emulator)}

    role_status, role_name = fetch(emulator, "GET", CREDENTIALS_PATH, headers)
    status, body = fetch(emulator, "GET", CREDENTIALS_PATH + role_name, headers)

    assert role_status == 200
    assert role_name == "EcsKmsRole"
    assert status == 200
    document = json.loads(body)
    assert document["Code"] == "Success"
    assert document["AccessKeyId"].startswith("STS.")
    assert set(document) == {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration", "LastUpdated", "Code"}


def test_credentials_work_for_kms(emulator, ecs_account):
    headers = {"X-aliyun-ecs-metadata-token": session_token(emulator)}
    document = json.loads(fetch(emulator, "GET", CREDENTIALS_PATH + "EcsKmsRole", headers)[1])
    client = KmsClient(Config(access_key_id=document["AccessKeyId"], access_key_secret=document["AccessKeySecret"],
                              security_token=document["SecurityToken"], endpoint=emulator.http_endpoint, protocol="http"))

    assert describe(client, emulator).account_status == "Enabled"
    assert emulator.calls(action="DescribeAccountKmsStatus")[-1]["account_id"] == ecs_account.account_id


def test_token_required(emulator, ecs_account):
    missing_status, _body = fetch(emulator, "GET", CREDENTIALS_PATH)
    invalid_status, _body = fetch(emulator, "GET", CREDENTIALS_PATH, {"X-aliyun-ecs-metadata-token": "forged"})

    assert missing_status == 403
    assert invalid_status == 401


def test_token_optional(emulator, ecs_account):
    emulator.set_ecs_role("EcsKmsRole", ecs_account.account_id, require_token=False)

    status, role_name = fetch(emulator, "GET", CREDENTIALS_PATH)

    assert status == 200
    assert role_name == "EcsKmsRole"


@pytest.mark.parametrize("ttl", [None, "0", "21601", "soon"])
def test_token_ttl_checked(emulator, ecs_account, ttl):
    headers = {} if ttl is None else {"X-aliyun-ecs-metadata-token-ttl-seconds": ttl}

    status, _body = fetch(emulator, "PUT", "/latest/api/token", headers)

    assert status == 400


def test_unknown_role_and_path(emulator, ecs_account):
    headers = {"X-aliyun-ecs-metadata-token": session_token(emulator)}

    assert fetch(emulator, "GET", CREDENTIALS_PATH + "OtherRole", headers)[0] == 404
    assert fetch(emulator, "GET", "/latest/meta-data/instance-id", headers)[0] == 404


def test_no_role_attached(emulator):
    status, _body = fetch(emulator, "GET", CREDENTIALS_PATH)

    assert status == 404


def test_metadata_calls_logged(emulator, ecs_account):
    headers = {"X-aliyun-ecs-metadata-token": session_token(emulator)}
    fetch(emulator, "GET", CREDENTIALS_PATH + "EcsKmsRole", headers)

    calls = emulator.calls(account_id=ecs_account.account_id)

    assert [c["action"] for c in calls] == ["GetMetadataToken", "GetRoleCredentials"]
    assert calls[1]["token_presented"] is True
    assert calls[1]["key_id"].startswith("STS.")


def test_metadata_fault(emulator, ecs_account):
    emulator.add_fault("GetRoleCredentials", code="Internal Server Error", http_status=500)
    headers = {"X-aliyun-ecs-metadata-token": session_token(emulator)}

    assert fetch(emulator, "GET", CREDENTIALS_PATH + "EcsKmsRole", headers)[0] == 500
    assert fetch(emulator, "GET", CREDENTIALS_PATH + "EcsKmsRole", headers)[0] == 200


def ecs_provider(emulator, role_name=None, disable_imds_v1=True):
    # alibabacloud-credentials 1.0.12 hard-codes 100.100.100.200 but honours an
    # HTTP proxy. The metadata listener serves proxy-style requests itself
    # instead of forwarding them, so nothing leaves 127.0.0.1.
    return EcsRamRoleCredentialsProvider(
        role_name=role_name,
        disable_imds_v1=disable_imds_v1,
        http_options=HttpOptions(proxy=emulator.metadata_url),
        async_update_enabled=False,
    )


@pytest.mark.parametrize("role_name", [None, "EcsKmsRole"], ids=["discovered", "named"])
def test_credentials_library_ecs_provider(emulator, ecs_account, role_name):
    credentials = CredentialsClient(provider=ecs_provider(emulator, role_name))
    client = KmsClient(Config(credential=credentials, endpoint=emulator.http_endpoint, protocol="http", region_id="cn-hangzhou"))

    assert describe(client, emulator).account_status == "Enabled"
    metadata_calls = [c["action"] for c in emulator.calls() if c["service"] == "metadata"]
    assert "GetRoleCredentials" in metadata_calls
    assert all(c["token_presented"] for c in emulator.calls() if c["service"] == "metadata" and c["action"] != "GetMetadataToken")


def test_credentials_library_config_proxy(emulator, ecs_account):
    config = CredentialsConfig(type="ecs_ram_role", role_name="EcsKmsRole", proxy=emulator.metadata_url, disable_imds_v1=True)

    credential = CredentialsClient(config).get_credential()

    assert credential.access_key_id.startswith("STS.")
    assert credential.provider_name == "ecs_ram_role"


def test_credentials_library_reports_refusal(emulator, ecs_account):
    emulator.add_fault("GetMetadataToken", code="Forbidden", http_status=403)

    error = error_of(CredentialsClient(provider=ecs_provider(emulator)).get_credential)

    assert isinstance(error, CredentialException)
    assert "HttpCode=403" in str(error)


def test_credentials_uri_reads_metadata_document(emulator, ecs_account):
    emulator.set_ecs_role("EcsKmsRole", ecs_account.account_id, require_token=False)
    config = CredentialsConfig(type="credentials_uri", credentials_uri=emulator.metadata_url + CREDENTIALS_PATH + "EcsKmsRole")

    credential = CredentialsClient(config).get_credential()

    assert credential.access_key_id.startswith("STS.")
