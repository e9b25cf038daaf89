"""Every credential source, through ansible, the real SDK, and the emulator's KMS, STS and metadata endpoints."""

import json

import pytest

MODULE = "alicloud_kms_service"
INFO = "alicloud_kms_service_info"


@pytest.fixture
def member(ansible, emulator):
    """A NotEnabled member account whose role trusts a separate management account."""
    management = ansible.new_account("Enabled")
    account = emulator.add_account(status="NotEnabled")
    role_arn = emulator.add_role(account.account_id, "ResourceDirectoryAccountAccessRole",
                                 trusted_accounts=[management.account_id])
    return management, account.account_id, role_arn


def sts_args(emulator, **extra):
    args = {"sts_endpoint": emulator.https_url, "ca_bundle": emulator.ca_path}
    args.update(extra)
    return args


def write_profiles(ansible, profiles, current=None, path=None):
    path = path or ansible.tmp_path / "aliyun-config.json"
    path.write_text(json.dumps({"current": current or profiles[0]["name"], "profiles": profiles}))
    return str(path)


def ak_profile(name, keys, **extra):
    profile = {"name": name, "mode": "AK", "access_key_id": keys.key_id, "access_key_secret": keys.secret,
               "region_id": "cn-shanghai"}
    profile.update(extra)
    return profile


def accounts_called(emulator, service="kms"):
    return [call["account_id"] for call in emulator.calls() if call["service"] == service]


def metadata_env(emulator):
    return {"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT": emulator.metadata_url}


class TestCliProfile:
    def test_ak_mode(self, ansible, emulator):
        keys = ansible.new_account("NotEnabled")
        path = write_profiles(ansible, [ak_profile("ops", keys)])

        run = ansible.module(MODULE, args={"profile": "ops", "shared_credentials_file": path})

        assert run.rc == 0, run.output
        assert run.result["changed"] is True
        assert accounts_called(emulator) == [keys.account_id, keys.account_id]

    def test_current_profile_from_environment_file(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        path = write_profiles(ansible, [ak_profile("other", ansible.new_account()), ak_profile("ops", keys)],
                              current="ops")

        run = ansible.module(INFO, env={"ALICLOUD_SHARED_CREDENTIALS_FILE": path})

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [keys.account_id]

    def test_profile_name_from_environment(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        path = write_profiles(ansible, [ak_profile("default", ansible.new_account()), ak_profile("ops", keys)])

        run = ansible.module(INFO, args={"shared_credentials_file": path}, env={"ALICLOUD_PROFILE": "ops"})

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [keys.account_id]

    def test_sts_token_mode_sends_token(self, ansible, emulator):
        owner = ansible.new_account("NotEnabled")
        keys = ansible.sts_keys(owner.account_id)
        path = write_profiles(ansible, [ak_profile("sts", keys, mode="StsToken", sts_token=keys.token)])

        run = ansible.module(MODULE, args={"profile": "sts", "shared_credentials_file": path})

        assert run.rc == 0, run.output
        assert all(call["token_presented"] for call in emulator.calls())

    def test_expired_token_names_profile(self, ansible, emulator):
        owner = ansible.new_account("NotEnabled")
        keys = ansible.sts_keys(owner.account_id, expired=True)
        path = write_profiles(ansible, [ak_profile("sts", keys, mode="StsToken", sts_token=keys.token)])

        run = ansible.module(MODULE, args={"profile": "sts", "shared_credentials_file": path})

        assert run.rc != 0
        assert run.result["error_code"] == "InvalidSecurityToken.Expired"
        assert "from the profile 'sts' in %s" % path in run.result["msg"]
        assert "aliyun configure --profile sts" in run.result["msg"]

    def test_ram_role_arn_mode(self, ansible, emulator, member):
        management, member_id, role_arn = member
        profile = ak_profile("rd", management, mode="RamRoleArn", ram_role_arn=role_arn,
                             ram_session_name="onboarding", expired_seconds=900)
        path = write_profiles(ansible, [profile])

        run = ansible.module(MODULE, args=sts_args(emulator, profile="rd", shared_credentials_file=path))

        assert run.rc == 0, run.output
        assert run.result["changed"] is True
        assert accounts_called(emulator, "sts") == [management.account_id]
        assert accounts_called(emulator) == [member_id, member_id]

    def test_ecs_ram_role_mode(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        emulator.set_ecs_role("KmsInstanceRole", keys.account_id)
        path = write_profiles(ansible, [{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "KmsInstanceRole"}])

        run = ansible.module(INFO, args={"profile": "ecs", "shared_credentials_file": path}, env=metadata_env(emulator))

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [keys.account_id]
        assert accounts_called(emulator, "metadata")

    def test_profile_region_applies(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        path = write_profiles(ansible, [ak_profile("ops", keys, region_id="Not_A_Region")])

        rejected = ansible.module(INFO, args={"profile": "ops", "shared_credentials_file": path})
        accepted = ansible.module(INFO, args={"profile": "ops", "shared_credentials_file": path,
                                              "region": "cn-beijing"})

        assert "region_id 'Not_A_Region' is not a valid region id" in rejected.result["msg"]
        assert accepted.rc == 0, accepted.output


class TestEcsRole:
    def test_role_from_option(self, ansible, emulator):
        keys = ansible.new_account("NotEnabled")
        emulator.set_ecs_role("KmsInstanceRole", keys.account_id)

        run = ansible.module(MODULE, args={"ecs_role_name": "KmsInstanceRole"}, env=metadata_env(emulator))

        assert run.rc == 0, run.output
        assert run.result["changed"] is True
        metadata = [call["action"] for call in emulator.calls() if call["service"] == "metadata"]
        assert metadata[0] == "GetMetadataToken"

    def test_role_from_legacy_variable(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        emulator.set_ecs_role("KmsInstanceRole", keys.account_id)
        env = dict(metadata_env(emulator), ALICLOUD_ECS_ROLE_NAME="KmsInstanceRole")

        run = ansible.module(INFO, env=env)

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [keys.account_id]

    def test_unknown_role(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        emulator.set_ecs_role("KmsInstanceRole", keys.account_id)

        run = ansible.module(INFO, args={"ecs_role_name": "OtherRole"}, env=metadata_env(emulator))

        assert run.rc != 0
        assert "no RAM role named 'OtherRole'" in run.result["msg"]
        assert accounts_called(emulator) == []


class TestAssumeRole:
    def test_on_keys(self, ansible, emulator, member):
        management, member_id, role_arn = member

        run = ansible.module(MODULE, keys=management, args=sts_args(emulator, assume_role={"role_arn": role_arn}))

        assert run.rc == 0, run.output
        assert run.result["changed"] is True
        assert run.result["attempts"] == 3
        assert emulator.account(member_id).status == "Enabled"
        sts_calls = [call for call in emulator.calls() if call["service"] == "sts"]
        assert len(sts_calls) == 1
        assert sts_calls[0]["account_id"] == management.account_id

    def test_on_profile(self, ansible, emulator, member):
        management, member_id, role_arn = member
        path = write_profiles(ansible, [ak_profile("mgmt", management)])

        run = ansible.module(MODULE, args=sts_args(emulator, profile="mgmt", shared_credentials_file=path,
                                                   assume_role={"role_arn": role_arn}))

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [member_id, member_id]

    def test_on_ecs_role(self, ansible, emulator, member):
        management, member_id, role_arn = member
        emulator.set_ecs_role("AutomationRole", management.account_id)

        run = ansible.module(MODULE, env=metadata_env(emulator),
                             args=sts_args(emulator, ecs_role_name="AutomationRole",
                                           assume_role={"role_arn": role_arn, "session_name": "kms@onboarding"}))

        assert run.rc == 0, run.output
        assert accounts_called(emulator, "sts") == [management.account_id]
        assert accounts_called(emulator) == [member_id, member_id]

    def test_role_arn_from_legacy_variable(self, ansible, emulator, member):
        management, member_id, role_arn = member

        run = ansible.module(INFO, keys=management, args=sts_args(emulator),
                             env={"ALICLOUD_ASSUME_ROLE_ARN": role_arn})

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [member_id]

    def test_sts_endpoint_from_environment(self, ansible, emulator, member):
        management, member_id, role_arn = member

        run = ansible.module(INFO, keys=management,
                             args={"ca_bundle": emulator.ca_path, "assume_role": {"role_arn": role_arn}},
                             env={"ALIBABA_CLOUD_STS_ENDPOINT": emulator.https_url})

        assert run.rc == 0, run.output

    def test_untrusted_caller(self, ansible, emulator, member):
        _management, member_id, role_arn = member
        outsider = ansible.new_account("Enabled")

        run = ansible.module(MODULE, keys=outsider, args=sts_args(emulator, assume_role={"role_arn": role_arn}))

        assert run.rc != 0
        assert run.result["error_code"] == "NoPermission"
        assert run.result["msg"].startswith("The access key %s...%s from the environment variable "
                                            "ALIBABA_CLOUD_ACCESS_KEY_ID is not allowed to assume the role"
                                            % (outsider.key_id[:4], outsider.key_id[-4:]))
        assert "sts:AssumeRole" in run.result["msg"]
        assert "trust policy" in run.result["msg"]
        assert accounts_called(emulator) == []

    def test_external_id_required(self, ansible, emulator):
        management = ansible.new_account("Enabled")
        member_account = emulator.add_account(status="NotEnabled")
        role_arn = emulator.add_role(member_account.account_id, "Vendor", trusted_accounts=[management.account_id],
                                     external_id="abcd-1234")

        wrong = ansible.module(INFO, keys=management,
                               args=sts_args(emulator, assume_role={"role_arn": role_arn, "external_id": "zz-99"}))
        right = ansible.module(INFO, keys=management,
                               args=sts_args(emulator, assume_role={"role_arn": role_arn, "external_id": "abcd-1234"}))

        assert wrong.rc != 0
        assert wrong.result["error_code"]
        assert right.rc == 0, right.output

    def test_missing_role(self, ansible, emulator):
        management = ansible.new_account("Enabled")
        role_arn = "acs:ram::%s:role/NoSuchRole" % management.account_id

        run = ansible.module(INFO, keys=management, args=sts_args(emulator, assume_role={"role_arn": role_arn}))

        assert run.rc != 0
        assert run.result["error_code"] == "EntityNotExist.Role"
        assert "AssumeRole failed" in run.result["msg"]

    def test_sts_certificate_checked(self, ansible, emulator, member):
        management, _member_id, role_arn = member

        untrusted = ansible.module(INFO, keys=management,
                                   args={"sts_endpoint": emulator.https_url, "assume_role": {"role_arn": role_arn}})
        unverified = ansible.module(INFO, keys=management,
                                    args={"sts_endpoint": emulator.https_url, "validate_certs": False,
                                          "assume_role": {"role_arn": role_arn}})

        assert untrusted.rc != 0
        assert "AssumeRole to" in untrusted.result["msg"]
        assert "certificate verify failed" in untrusted.result["msg"]
        assert unverified.rc == 0, unverified.output


class TestPrecedence:
    def test_keys_and_profile_options_conflict(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        path = write_profiles(ansible, [ak_profile("ops", keys)])

        run = ansible.module(INFO, args={"access_key": keys.key_id, "secret_key": keys.secret, "profile": "ops",
                                         "shared_credentials_file": path})

        assert run.rc != 0
        assert "access_key and profile are both set" in run.result["msg"]
        assert emulator.calls() == []

    def test_profile_option_beats_environment_keys(self, ansible, emulator):
        from_environment = ansible.new_account("Enabled")
        from_profile = ansible.new_account("Enabled")
        path = write_profiles(ansible, [ak_profile("ops", from_profile)])

        run = ansible.module(INFO, keys=from_environment, args={"profile": "ops", "shared_credentials_file": path})

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [from_profile.account_id]

    def test_keys_option_beats_environment_profile(self, ansible, emulator):
        from_profile = ansible.new_account("Enabled")
        from_options = ansible.new_account("Enabled")
        path = write_profiles(ansible, [ak_profile("ops", from_profile)])

        run = ansible.module(INFO, args={"access_key": from_options.key_id, "secret_key": from_options.secret},
                             env={"ALICLOUD_PROFILE": "ops", "ALICLOUD_SHARED_CREDENTIALS_FILE": path})

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [from_options.account_id]

    def test_default_chain_reads_cli_config(self, ansible, emulator):
        keys = ansible.new_account("Enabled")
        (ansible.home / ".aliyun").mkdir()
        write_profiles(ansible, [ak_profile("default", keys)], path=ansible.home / ".aliyun" / "config.json")

        run = ansible.module(INFO)

        assert run.rc == 0, run.output
        assert accounts_called(emulator) == [keys.account_id]

    def test_default_chain_finds_nothing(self, ansible, emulator):
        run = ansible.module(INFO)

        assert run.rc != 0
        assert "Could not get credentials from the default credential chain" in run.result["msg"]
        assert emulator.calls() == []


def test_every_source_at_high_verbosity(ansible, emulator, member):
    management, _member_id, role_arn = member
    emulator.set_ecs_role("KmsInstanceRole", management.account_id)
    sts_keys = ansible.sts_keys(management.account_id)
    path = write_profiles(ansible, [
        ak_profile("ak", management),
        ak_profile("sts", sts_keys, mode="StsToken", sts_token=sts_keys.token),
        ak_profile("role", management, mode="RamRoleArn", ram_role_arn=role_arn),
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "KmsInstanceRole"},
    ])
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/alicloud.kms.alicloud:
      endpoint: "{{ kms_endpoint }}"
      sts_endpoint: "{{ sts_endpoint }}"
      ca_bundle: "{{ ca_bundle }}"
      shared_credentials_file: "{{ profiles }}"
  tasks:
    - name: Each profile mode
      alicloud.kms.alicloud_kms_service_info:
        profile: "{{ item }}"
      loop: [ak, sts, role, ecs]

    - name: Keys, token and assume role given as options
      alicloud.kms.alicloud_kms_service:
        access_key: "{{ key }}"
        secret_key: "{{ secret }}"
        security_token: "{{ token }}"
        shared_credentials_file: "{{ omit }}"
        assume_role:
          role_arn: "{{ role_arn }}"

    - name: ECS role with assume role
      alicloud.kms.alicloud_kms_service_info:
        ecs_role_name: KmsInstanceRole
        shared_credentials_file: "{{ omit }}"
        assume_role:
          role_arn: "{{ role_arn }}"
"""
    extra_vars = dict(kms_endpoint=emulator.http_url, sts_endpoint=emulator.https_url, ca_bundle=emulator.ca_path,
                      profiles=path, key=sts_keys.key_id, secret=sts_keys.secret, token=sts_keys.token,
                      role_arn=role_arn)
    log_path = ansible.tmp_path / "ansible.log"

    run = ansible.playbook(playbook, extra_vars=extra_vars, verbosity=4,
                           env=dict(metadata_env(emulator), ANSIBLE_LOG_PATH=str(log_path)))

    assert run.rc == 0, run.output
    assert run.recap()["failed"] == 0
    ansible.assert_no_secrets(log_path.read_text())
