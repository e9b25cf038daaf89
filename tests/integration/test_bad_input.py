"""Bad input, one ad hoc `ansible -m` run per case: each fails before any request, with a clear message.

Every case checks three things. The emulator received no call at all, and KMS, STS and the metadata
service share its log. The message names the option, the value and the fix, showing a key id only by
its first and last characters and a secret never. No Python traceback appears anywhere.
"""

import json
import os
from dataclasses import dataclass, field
from typing import Optional

import pytest

MODULE = "alicloud_kms_service"
ROLE_ARN = "acs:ram::1234567890123456:role/kms-admin"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Case:
    """One bad input: module arguments and environment, and the fragments the message must contain.

    Strings in `args`, `env` and `expect` may use the placeholders {endpoint} (the emulator's HTTP URL),
    {sts} (its HTTPS URL), {metadata}, {tmp} (the test's folder), {key_id} and {masked_key} (the
    account's key id and its masked form), {key_head} and {key_tail} (its first ten characters and the
    rest). `keys` gives the account's AccessKey pair through the environment. `files` maps names under
    {tmp} to contents written before the run, with `modes`.
    """

    id: str
    args: dict
    expect: tuple
    env: dict = field(default_factory=dict)
    keys: bool = True
    files: dict = field(default_factory=dict)
    modes: dict = field(default_factory=dict)
    skip_reason: Optional[str] = None


def profile_file(*profiles, current="default"):
    return json.dumps({"current": current, "profiles": list(profiles)})


AK_PROFILE = dict(name="default", mode="AK", access_key_id="LTAI5tProfileKeyId0000a1", access_key_secret="x" * 30)

CASES = [
    # Empty and white space
    Case("region-empty", {"region": ""}, ("region is empty", "leave the option out")),
    Case("ecs-role-blank", {"ecs_role_name": "   "}, ("ecs_role_name is empty", "set it to a value"), keys=False,
         env={"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT": "{metadata}"}),
    Case("region-padded", {"region": " cn-hangzhou"}, ("region", "' cn-hangzhou'", "remove it")),
    Case("access-key-empty", {"access_key": ""}, ("access_key is empty", "leave the option out")),
    Case("secret-empty", {}, ("secret_key is empty", "{masked_key}", "set it to the AccessKey secret"),
         env={"ALIBABA_CLOUD_ACCESS_KEY_SECRET": ""}),
    Case("token-empty", {}, ("security_token is empty", "{masked_key}", "leave it out for a permanent AccessKey"),
         env={"ALIBABA_CLOUD_SECURITY_TOKEN": ""}),
    Case("profile-empty", {"profile": ""}, ("profile is empty", "set it to a value"), keys=False),

    # Characters that credentials never contain
    Case("key-id-line-break", {}, ("access_key {masked_key}", "contains a line break at character 11", "remove it"),
         env={"ALIBABA_CLOUD_ACCESS_KEY_ID": "{key_head}\n{key_tail}"}),
    Case("token-with-space", {}, ("security_token for {masked_key}", "contains a space", "remove it"),
         env={"ALIBABA_CLOUD_SECURITY_TOKEN": "CAIS abc"}),

    # Wrong types, rejected by ansible-core's argument validation
    Case("retries-text", {"retries": "abc"}, ("retries", "'abc'", "cannot be converted to an int")),
    Case("retries-fraction", {"retries": 2.5}, ("retries", "2.5", "cannot be converted to an int")),
    # NOTE: ansible-core's float conversion error does not repeat the value it could not convert.
    Case("timeout-text", {"read_timeout": "soon"}, ("read_timeout", "cannot be converted to a float")),
    Case("validate-certs-text", {"validate_certs": "maybe"}, ("validate_certs", "'maybe'", "Valid booleans include")),
    Case("duration-text", {"assume_role": {"role_arn": ROLE_ARN, "session_duration": "long"}, "sts_endpoint": "{sts}"},
         ("session_duration", "'long'", "cannot be converted to an int")),
    Case("region-list", {"region": ["cn-hangzhou"]}, ("region", "['cn-hangzhou']", "use an id such as cn-hangzhou")),

    # Malformed regions and endpoints
    Case("region-underscore", {"region": "cn_hangzhou"}, ("region", "'cn_hangzhou'", "use an id such as cn-hangzhou")),
    Case("endpoint-scheme", {"endpoint": "ftp://127.0.0.1:21"},
         ("endpoint", "'ftp://127.0.0.1:21'", "use http:// or https://")),
    Case("endpoint-no-host", {"endpoint": "http://"}, ("endpoint", "'http://'", "has no host", "use a form such as")),
    Case("endpoint-path", {"endpoint": "{endpoint}/kms"},
         ("endpoint", "{endpoint}/kms", "give only the scheme, host and port")),
    Case("endpoint-query", {"endpoint": "{endpoint}?Action=OpenKmsService"},
         ("endpoint", "{endpoint}?Action=OpenKmsService", "give only the scheme, host and port")),
    Case("endpoint-bad-port", {"endpoint": "http://127.0.0.1:port"},
         ("endpoint", "'http://127.0.0.1:port'", "not a valid URL")),
    Case("endpoint-port-zero", {"endpoint": "http://127.0.0.1:0"},
         ("endpoint", "'http://127.0.0.1:0'", "give a port from 1 to 65535")),

    # Retries and timeouts out of range
    Case("retries-negative", {"retries": -1}, ("retries -1 is out of range", "give a whole number from 0 to 20")),
    Case("retries-too-many", {"retries": 21}, ("retries 21 is out of range", "give a whole number from 0 to 20")),
    Case("connect-timeout-zero", {"connect_timeout": 0}, ("connect_timeout 0.0 is out of range", "above 0")),
    Case("read-timeout-negative", {"read_timeout": -3}, ("read_timeout -3.0 is out of range", "above 0")),

    # Assume role
    Case("role-arn-aws", {"assume_role": {"role_arn": "arn:aws:iam::123456789012:role/admin"}, "sts_endpoint": "{sts}"},
         ("role_arn", "'arn:aws:iam::123456789012:role/admin'", "acs:ram::<account id>:role/<role name>")),
    Case("role-arn-user",
         {"assume_role": {"role_arn": "acs:ram::1234567890123456:user/alice"}, "sts_endpoint": "{sts}"},
         ("role_arn", "'acs:ram::1234567890123456:user/alice'", "acs:ram::<account id>:role/<role name>")),
    Case("role-arn-env", {},
         ("role_arn", "'admin'", "ALICLOUD_ASSUME_ROLE_ARN", "acs:ram::<account id>:role/<role name>"),
         env={"ALICLOUD_ASSUME_ROLE_ARN": "admin", "ALIBABA_CLOUD_STS_ENDPOINT": "{sts}"}),
    Case("session-name-short", {"assume_role": {"role_arn": ROLE_ARN, "session_name": "a"}, "sts_endpoint": "{sts}"},
         ("session_name", "'a'", "use 2 to 64 letters")),
    Case("session-name-space",
         {"assume_role": {"role_arn": ROLE_ARN, "session_name": "kms run"}, "sts_endpoint": "{sts}"},
         ("session_name", "'kms run'", "use 2 to 64 letters")),
    Case("duration-short", {"assume_role": {"role_arn": ROLE_ARN, "session_duration": 600}, "sts_endpoint": "{sts}"},
         ("session_duration 600", "out of range", "from 900 to 43200")),
    Case("policy-not-json",
         {"assume_role": {"role_arn": ROLE_ARN, "policy": "allow everything"}, "sts_endpoint": "{sts}"},
         ("assume_role.policy", "is not valid JSON", "give a RAM policy document")),
    Case("sts-endpoint-scheme", {"assume_role": {"role_arn": ROLE_ARN}, "sts_endpoint": "ftp://127.0.0.1:21"},
         ("sts_endpoint", "'ftp://127.0.0.1:21'", "use http:// or https://")),
    Case("sts-endpoint-path", {"assume_role": {"role_arn": ROLE_ARN}, "sts_endpoint": "{sts}/sts"},
         ("sts_endpoint", "{sts}/sts", "give only the scheme, host and port")),
    Case("sts-endpoint-without-role", {"sts_endpoint": "http://127.0.0.1:99999"},
         ("sts_endpoint", "'http://127.0.0.1:99999'", "not a valid URL")),

    # Profiles of the aliyun CLI configuration file
    Case("profile-not-json", {"shared_credentials_file": "{tmp}/config.json"},
         ("{tmp}/config.json", "is not valid JSON", "recreate it with 'aliyun configure'"),
         keys=False, files={"config.json": "[default]\naccess_key_id = LTAI\n"}),
    Case("profile-no-list", {"shared_credentials_file": "{tmp}/config.json"},
         ("{tmp}/config.json", "has no 'profiles' list", "create one with 'aliyun configure'"),
         keys=False, files={"config.json": json.dumps({"current": "default"})}),
    Case("profile-unknown", {"shared_credentials_file": "{tmp}/config.json", "profile": "prod"},
         ("profile 'prod' is not in {tmp}/config.json", "profiles there: default", "aliyun configure --profile prod"),
         keys=False, files={"config.json": profile_file(AK_PROFILE)}),
    Case("profile-mode", {"shared_credentials_file": "{tmp}/config.json"},
         ("the profile 'default'", "'ChainableRamRoleArn'", "use one of AK, EcsRamRole, RamRoleArn, StsToken"),
         keys=False, files={"config.json": profile_file(dict(name="default", mode="ChainableRamRoleArn"))}),
    Case("profile-missing-secret", {"shared_credentials_file": "{tmp}/config.json"},
         ("the profile 'default'", "has no access_key_secret", "aliyun configure --profile default --mode AK"),
         keys=False,
         files={"config.json": profile_file(dict(name="default", mode="AK", access_key_id="LTAI5tNoSecret00"))}),
    Case("profile-number-key", {"shared_credentials_file": "{tmp}/config.json"},
         ("access_key_id", "type int", "must be a string", "aliyun configure --profile default"),
         keys=False,
         files={"config.json": profile_file(dict(name="default", mode="AK", access_key_id=12345,
                                                 access_key_secret="x" * 30))}),
    Case("profile-file-directory", {"shared_credentials_file": "{tmp}"},
         ("{tmp}", "is a directory", "set shared_credentials_file to the path of the config.json")),
    Case("profile-without-home", {"profile": "default"},
         ("HOME is not set", "~/.aliyun/config.json", "set shared_credentials_file"), keys=False, env={"HOME": None}),

    # Conflicting sources
    Case("keys-and-profile", {"access_key": "{key_id}", "profile": "default"},
         ("access_key and profile are both set", "{masked_key}", "the profile 'default'", "not both"),
         env={"ALIBABA_CLOUD_ACCESS_KEY_ID": None}),

    # CA bundles
    Case("ca-bundle-missing", {"ca_bundle": "{tmp}/missing.pem"},
         ("ca_bundle", "'{tmp}/missing.pem'", "does not exist", "give the path of a PEM file")),
    Case("ca-bundle-directory", {"ca_bundle": "{tmp}"},
         ("ca_bundle", "'{tmp}'", "is a directory", "give the path of a PEM file")),
    Case("ca-bundle-not-pem", {"ca_bundle": "{tmp}/ca.txt"},
         ("ca_bundle", "'{tmp}/ca.txt'", "contains no PEM certificate", "give the path of a PEM file"),
         files={"ca.txt": "trust me\n"}),
    Case("ca-bundle-mode-000", {"ca_bundle": "{tmp}/ca.pem"},
         ("ca_bundle", "'{tmp}/ca.pem'", "cannot be read by this user", "fix its permissions"),
         files={"ca.pem": PEM}, modes={"ca.pem": 0},
         skip_reason="root reads a file with mode 000; the unit tests simulate the failing open()"
         if RUNNING_AS_ROOT else None),

    # ECS role names and unknown options
    Case("ecs-role-name", {"ecs_role_name": "kms role!"}, ("ecs_role_name", "'kms role!'", "use 1 to 64 letters"),
         keys=False, env={"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT": "{metadata}"}),
    Case("unknown-option", {"acess_key": "x"}, ("Unsupported parameters", "acess_key", "Supported parameters include")),
    Case("unknown-suboption", {"assume_role": {"role_arn": ROLE_ARN, "duration": 900}, "sts_endpoint": "{sts}"},
         ("Unsupported parameters", "assume_role.duration", "Supported parameters include")),
]


def fill(value, context):
    """Replace the placeholders in every string of `value`, recursively. None stays None."""
    if isinstance(value, str):
        return value.format(**context)
    if isinstance(value, dict):
        return {name: fill(item, context) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(fill(item, context) for item in value)
    return value


def masked(key_id):
    return "%s...%s" % (key_id[:4], key_id[-4:])


def as_param(case):
    skip = pytest.mark.skipif(case.skip_reason is not None, reason=case.skip_reason or "")
    return pytest.param(case, id=case.id, marks=skip)


@pytest.mark.parametrize("case", [as_param(case) for case in CASES])
def test_bad_input(ansible, emulator, tmp_path, case):
    keys = ansible.new_account("NotEnabled")
    context = dict(endpoint=emulator.http_url, sts=emulator.https_url, metadata=emulator.metadata_url, tmp=tmp_path,
                   key_id=keys.key_id, masked_key=masked(keys.key_id), key_head=keys.key_id[:10],
                   key_tail=keys.key_id[10:])
    for name, content in case.files.items():
        (tmp_path / name).write_text(content)
    for name, mode in case.modes.items():
        os.chmod(tmp_path / name, mode)

    run = ansible.module(MODULE, args=fill(case.args, context), keys=keys if case.keys else None,
                         env=fill(case.env, context))

    message = run.result.get("msg", "")
    assert run.rc != 0, run.output
    assert emulator.calls() == []
    for fragment in fill(case.expect, context):
        assert fragment in message
    assert "Traceback" not in run.output
    assert "Traceback" not in message
    assert keys.secret not in message


def test_table_covers_thirty_cases():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)
