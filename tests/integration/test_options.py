"""Environment fallbacks, module_defaults through the action group, documentation, and output hygiene."""

import os
import subprocess
import sys

import pytest

MODULE = "alicloud_kms_service"
BIN = os.path.dirname(sys.executable)


@pytest.mark.parametrize("names", [
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_REGION_ID"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_REGION"),
])
def test_environment_fallbacks(ansible, emulator, names):
    keys = ansible.new_account("NotEnabled")
    key_name, secret_name, region_name = names
    env = {key_name: keys.key_id, secret_name: keys.secret, region_name: "bogus_region"}

    rejected = ansible.module(MODULE, env=env)
    env[region_name] = "ap-southeast-1"
    accepted = ansible.module(MODULE, env=env)

    assert "region 'bogus_region' is not a valid region id" in rejected.result["msg"]
    assert accepted.rc == 0, accepted.output
    assert accepted.result["changed"] is True


def test_legacy_token_variable(ansible, emulator):
    owner = ansible.new_account("Enabled")
    keys = ansible.sts_keys(owner.account_id)
    env = {"ALICLOUD_ACCESS_KEY": keys.key_id, "ALICLOUD_SECRET_KEY": keys.secret,
           "ALICLOUD_SECURITY_TOKEN": keys.token}

    run = ansible.module(MODULE, env=env)

    assert run.rc == 0, run.output
    assert run.result["account_status"] == "Enabled"


def test_module_defaults_action_group(ansible, emulator):
    first = ansible.new_account("NotEnabled")
    second = ansible.new_account("Enabled")
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/alicloud.kms.alicloud:
      endpoint: "{{ kms_endpoint }}"
      retries: 1
  tasks:
    - name: Activate with keys given per task
      alicloud.kms.alicloud_kms_service:
        access_key: "{{ first_key }}"
        secret_key: "{{ first_secret }}"
      register: activated

    - name: Read the other account's status
      alicloud.kms.alicloud_kms_service_info:
        access_key: "{{ second_key }}"
        secret_key: "{{ second_secret }}"
      register: info

    - name: Check both results
      ansible.builtin.assert:
        that:
          - activated is changed
          - activated.account_status == "Enabled"
          - info.account_status == "Enabled"
          - info is not changed
"""
    extra_vars = dict(kms_endpoint=emulator.http_url, first_key=first.key_id, first_secret=first.secret,
                      second_key=second.key_id, second_secret=second.secret)

    run = ansible.playbook(playbook, extra_vars=extra_vars)

    assert run.rc == 0, run.output
    assert run.recap() == {"ok": 3, "changed": 1, "failed": 0}


def test_playbook_check_diff_then_real(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Activate KMS
      alicloud.kms.alicloud_kms_service:
        endpoint: "{{ kms_endpoint }}"
"""
    extra_vars = dict(kms_endpoint=emulator.http_url)

    checked = ansible.playbook(playbook, keys=keys, extra_vars=extra_vars, check=True, diff=True)
    applied = ansible.playbook(playbook, keys=keys, extra_vars=extra_vars)
    again = ansible.playbook(playbook, keys=keys, extra_vars=extra_vars)

    assert checked.recap()["changed"] == 1
    assert '-    "account_status": "NotEnabled"' in checked.stdout
    assert '+    "account_status": "Enabled"' in checked.stdout
    assert applied.recap()["changed"] == 1
    assert again.recap()["changed"] == 0


@pytest.mark.parametrize("verbosity", [3, 4])
def test_verbose_output_has_no_secret(ansible, emulator, verbosity):
    owner = ansible.new_account("NotEnabled")
    keys = ansible.sts_keys(owner.account_id)
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Activate with a token given as options
      alicloud.kms.alicloud_kms_service:
        access_key: "{{ key }}"
        secret_key: "{{ secret }}"
        security_token: "{{ token }}"
        endpoint: "{{ kms_endpoint }}"

    - name: Fail on purpose with the same credentials
      alicloud.kms.alicloud_kms_service:
        access_key: "{{ key }}"
        secret_key: "{{ secret }}"
        security_token: "{{ token }}"
        endpoint: "{{ kms_endpoint }}"
        region: not-a-region!
      ignore_errors: true
"""
    extra_vars = dict(key=keys.key_id, secret=keys.secret, token=keys.token, kms_endpoint=emulator.http_url)
    log_path = ansible.tmp_path / "ansible.log"

    run = ansible.playbook(playbook, extra_vars=extra_vars, verbosity=verbosity,
                           env={"ANSIBLE_LOG_PATH": str(log_path)})

    assert run.rc == 0, run.output
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout or "********" in run.stdout
    ansible.assert_no_secrets(log_path.read_text())


def test_missing_secret_fails_before_any_call(ansible, emulator):
    keys = ansible.new_account("NotEnabled")

    run = ansible.module(MODULE, env={"ALIBABA_CLOUD_ACCESS_KEY_ID": keys.key_id})

    assert run.rc != 0
    assert "secret_key is missing" in run.result["msg"]
    assert emulator.calls() == []


def test_ansible_doc_documents_every_option(ansible):
    from ansible_collections.alicloud.kms.plugins.module_utils.options import connection_argument_spec

    for module in (MODULE, "alicloud_kms_service_info"):
        completed = subprocess.run([os.path.join(BIN, "ansible-doc"), "alicloud.kms.%s" % module],
                                   env=ansible.base_env(), capture_output=True, text=True, check=False)

        assert completed.returncode == 0, completed.stderr
        for option in connection_argument_spec():
            assert option in completed.stdout
        assert "EXAMPLES" in completed.stdout
        assert "RETURN VALUES" in completed.stdout
