"""Offline checks of credential values, CA bundles, endpoints, policies and profile files."""

import json
import os

import pytest

from ansible_collections.alicloud.kms.plugins.module_utils import cli_profile, options
from ansible_collections.alicloud.kms.plugins.module_utils.credentials import select_source
from ansible_collections.alicloud.kms.plugins.module_utils.options import (
    OptionError,
    check_ca_bundle,
    check_credential_text,
    parse_endpoint,
    require_text,
)


KEY_ID = "LTAI5tAbCdEfGhIjKlMnf3e9"
SECRET = "s3cr3t-value-that-must-not-leak"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE",
                 "ALICLOUD_ECS_ROLE_NAME", "ALICLOUD_ASSUME_ROLE_ARN", "ALICLOUD_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)


def message_of(call, *args, **kwargs):
    with pytest.raises(OptionError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_padded_value_shown():
    message = message_of(require_text, "region", " cn-hangzhou")

    assert "region ' cn-hangzhou' has leading or trailing white space" in message


def test_padded_value_masked_when_asked():
    message = message_of(require_text, "access_key", KEY_ID + " ", shown="LTAI...f3e9")

    assert "access_key LTAI...f3e9 has leading" in message
    assert KEY_ID not in message


@pytest.mark.parametrize("value, name", [
    ("LTAI12\n34", "a line break"),
    ("LTAI12 34", "a space"),
    ("LTAI12\t34", "a tab"),
    ("LTAI12\x0034", "U+0000"),
    ("LTAI12\u00e934", "U+00E9"),
])
def test_credential_text_rejects_character(value, name):
    message = message_of(check_credential_text, "security_token", value, "for LTAI...f3e9")

    assert name in message
    assert "at character 7" in message
    assert value not in message


def test_credential_text_accepts_token():
    check_credential_text("security_token", "CAIS+/=_-.abc", "for LTAI...f3e9")


def test_secret_with_line_break_not_shown():
    params = dict(access_key=KEY_ID, secret_key=SECRET + "\n", security_token=None)

    message = message_of(select_source, params)

    assert "secret_key for LTAI...f3e9 contains a line break" in message
    assert SECRET not in message


def test_token_with_space_not_shown():
    params = dict(access_key=KEY_ID, secret_key=SECRET, security_token="CAIS abc")

    message = message_of(select_source, params)

    assert "security_token for LTAI...f3e9 contains a space" in message
    assert "CAIS abc" not in message


def test_key_id_with_line_break_masked():
    params = dict(access_key="LTAI12\n34567890abcdefgh", secret_key=SECRET, security_token=None)

    message = message_of(select_source, params)

    assert "access_key LTAI...efgh contains a line break" in message


def test_keys_and_profile_conflict_names_both():
    params = dict(access_key=KEY_ID, secret_key=SECRET, profile="prod", shared_credentials_file="/etc/aliyun.json")

    message = message_of(select_source, params)

    assert "access_key and profile are both set" in message
    assert "LTAI...f3e9" in message
    assert "the profile 'prod' of /etc/aliyun.json" in message


@pytest.mark.parametrize("policy, fragment", [
    ("not json", "is not valid JSON"),
    ('["a list"]', "is a JSON list, not an object"),
])
def test_policy_must_be_object(policy, fragment):
    params = dict(access_key=KEY_ID, secret_key=SECRET,
                  assume_role=dict(role_arn="acs:ram::1234567890123456:role/reader", policy=policy))

    message = message_of(select_source, params)

    assert "assume_role.policy" in message
    assert fragment in message


def test_sts_endpoint_checked_without_role():
    params = dict(access_key=KEY_ID, secret_key=SECRET, sts_endpoint="ftp://sts.aliyuncs.com")

    message = message_of(select_source, params)

    assert "sts_endpoint 'ftp://sts.aliyuncs.com' has the scheme 'ftp'" in message


def test_role_arn_from_environment_named(monkeypatch):
    monkeypatch.setenv("ALICLOUD_ASSUME_ROLE_ARN", "bogus")
    params = dict(access_key=KEY_ID, secret_key=SECRET)

    message = message_of(select_source, params)

    assert "role_arn 'bogus' from the environment variable ALICLOUD_ASSUME_ROLE_ARN" in message


def test_endpoint_port_zero():
    message = message_of(parse_endpoint, "http://127.0.0.1:0")

    assert "has the port 0" in message


def test_ca_bundle_missing(tmp_path):
    message = message_of(check_ca_bundle, str(tmp_path / "missing.pem"))

    assert "does not exist" in message


def test_ca_bundle_directory(tmp_path):
    message = message_of(check_ca_bundle, str(tmp_path))

    assert "is a directory" in message


def test_ca_bundle_without_certificate(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a certificate\n")

    message = message_of(check_ca_bundle, str(path))

    assert "contains no PEM certificate" in message


def test_ca_bundle_unreadable(tmp_path, monkeypatch):
    # A file with mode 000 stays readable for root, so the failing open() is simulated.
    path = tmp_path / "ca.pem"
    path.write_text(PEM)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(options, "open", refuse, raising=False)
    message = message_of(check_ca_bundle, str(path))

    assert "cannot be read by this user (Permission denied)" in message


def test_ca_bundle_with_certificate(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_text(PEM)

    assert check_ca_bundle(str(path)) == str(path)


def write_profile(tmp_path, entry):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"current": "default", "profiles": [dict(name="default", **entry)]}))
    return str(path)


def test_profile_file_is_directory(tmp_path):
    message = message_of(cli_profile.load_profile, str(tmp_path), None)

    assert "is a directory" in message


def test_profile_number_key_id(tmp_path):
    path = write_profile(tmp_path, dict(mode="AK", access_key_id=12345, access_key_secret=SECRET))

    message = message_of(cli_profile.load_profile, path, None)

    assert "a value of type int in access_key_id, which must be a string" in message


def test_profile_secret_with_space_not_shown(tmp_path):
    path = write_profile(tmp_path, dict(mode="AK", access_key_id=KEY_ID, access_key_secret="abc def"))

    message = message_of(cli_profile.load_profile, path, None)

    assert "access_key_secret in the profile 'default'" in message
    assert "contains a space" in message
    assert "abc def" not in message


def test_profile_unreadable(tmp_path, monkeypatch):
    path = write_profile(tmp_path, dict(mode="AK", access_key_id=KEY_ID, access_key_secret=SECRET))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli_profile, "open", refuse, raising=False)
    message = message_of(cli_profile.load_profile, path, None)

    assert "is not readable by this user" in message
    assert os.path.exists(path)
