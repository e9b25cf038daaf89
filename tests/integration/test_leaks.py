"""No secret, token or signature in anything a run prints or writes, at -vvvv, with every credential source.

The `ansible` fixture scans every run of the suite (stdout, stderr, the task result, the ANSIBLE_LOG_PATH
file and the account_bootstrap report files) for every secret and token the emulator issued and every
signature it received. The scenarios below make that scan meet the hard cases: each runs a playbook at
-vvvv with a log file, prints its registered results, and goes through one credential source or failure.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLE_NAME = "ResourceDirectoryAccountAccessRole"

# What each scenario run writes and the scan reads: stdout, stderr and the ANSIBLE_LOG_PATH file.
OUTPUTS_PER_RUN = 3

TASK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the module
      alicloud.kms.alicloud_kms_service: {arguments}
      register: result
      ignore_errors: true

    - name: Print the whole result
      ansible.builtin.debug:
        var: result
"""


def playbook(**arguments):
    """Return a playbook that runs the module with `arguments` (Jinja expressions allowed) and prints the result."""
    return TASK.format(arguments=json.dumps(arguments))


def keys_as_options(ansible, emulator, tmp_path):
    keys = ansible.new_account("NotEnabled")
    text = playbook(access_key="{{ key }}", secret_key="{{ secret }}", endpoint="{{ endpoint }}")
    return dict(text=text, extra_vars=dict(key=keys.key_id, secret=keys.secret, endpoint=emulator.http_url))


def sts_token_failing(ansible, emulator, tmp_path):
    owner = ansible.new_account("NotEnabled", denied_actions={"kms:OpenKmsService"})
    keys = ansible.sts_keys(owner.account_id)
    text = playbook(access_key="{{ key }}", secret_key="{{ secret }}", security_token="{{ token }}",
                    endpoint="{{ endpoint }}")
    return dict(text=text, extra_vars=dict(key=keys.key_id, secret=keys.secret, token=keys.token,
                                           endpoint=emulator.http_url))


def wrong_secret(ansible, emulator, tmp_path):
    keys = ansible.new_account("NotEnabled")
    wrong = "Wr0ngSecretValueForTheLeakTest01"
    ansible.secrets.add(wrong)
    text = playbook(access_key="{{ key }}", secret_key="{{ secret }}", endpoint="{{ endpoint }}")
    return dict(text=text, extra_vars=dict(key=keys.key_id, secret=wrong, endpoint=emulator.http_url))


def secret_with_line_break(ansible, emulator, tmp_path):
    keys = ansible.new_account("NotEnabled")
    broken = keys.secret[:15] + "\n" + keys.secret[15:]
    ansible.secrets.update((broken, keys.secret[:15], keys.secret[15:]))
    text = playbook(access_key="{{ key }}", secret_key="{{ secret }}", endpoint="{{ endpoint }}")
    # Rejected before any request, so the emulator logs no call and records no signature.
    return dict(text=text, extra_vars=dict(key=keys.key_id, secret=broken, endpoint=emulator.http_url),
                offline=True)


def assumed_role(ansible, emulator, tmp_path):
    base = ansible.new_account("Enabled")
    member = emulator.add_account(status="NotEnabled")
    role_arn = emulator.add_role(member.account_id, "kms-admin", trusted_accounts=[base.account_id])
    text = playbook(endpoint="{{ endpoint }}", sts_endpoint="{{ sts }}", ca_bundle="{{ ca }}",
                    assume_role={"role_arn": role_arn})
    return dict(text=text, keys=base, extra_vars=dict(endpoint=emulator.http_url, sts=emulator.https_url,
                                                      ca=emulator.ca_path))


def profile_file(ansible, emulator, tmp_path):
    ak = ansible.new_account("NotEnabled")
    owner = ansible.new_account("NotEnabled")
    sts = ansible.sts_keys(owner.account_id)
    config = tmp_path / "aliyun-config.json"
    config.write_text(json.dumps({"current": "ak", "profiles": [
        {"name": "ak", "mode": "AK", "access_key_id": ak.key_id, "access_key_secret": ak.secret},
        {"name": "sts", "mode": "StsToken", "access_key_id": sts.key_id, "access_key_secret": sts.secret,
         "sts_token": sts.token},
    ]}))
    text = TASK.format(arguments=json.dumps(dict(endpoint="{{ endpoint }}", shared_credentials_file=str(config),
                                                 profile="{{ item }}")))
    text = text.replace("      register: result\n", "      register: result\n      loop: [ak, sts]\n")
    return dict(text=text, extra_vars=dict(endpoint=emulator.http_url))


def ecs_role(ansible, emulator, tmp_path):
    owner = ansible.new_account("NotEnabled")
    emulator.set_ecs_role("KmsInstanceRole", owner.account_id)
    text = playbook(endpoint="{{ endpoint }}", ecs_role_name="KmsInstanceRole")
    return dict(text=text, extra_vars=dict(endpoint=emulator.http_url),
                env={"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT": emulator.metadata_url})


def retried_faults(ansible, emulator, tmp_path):
    owner = ansible.new_account("NotEnabled")
    keys = ansible.sts_keys(owner.account_id)
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling", retry_after_ms=100, account_id=owner.account_id)
    emulator.add_fault("OpenKmsService", drop=True, account_id=owner.account_id)
    emulator.add_fault("OpenKmsService", drop=True, after_action=True, account_id=owner.account_id)
    text = playbook(endpoint="{{ endpoint }}", retries=4)
    return dict(text=text, keys=keys, extra_vars=dict(endpoint=emulator.http_url))


def sdk_debug(ansible, emulator, tmp_path):
    owner = ansible.new_account("NotEnabled")
    keys = ansible.sts_keys(owner.account_id)
    text = playbook(endpoint="{{ endpoint }}")
    # ANSIBLE_DEBUG makes ansible-core print the module's stderr, where the SDK writes its request dumps.
    return dict(text=text, keys=keys, extra_vars=dict(endpoint=emulator.http_url),
                env={"DEBUG": "sdk", "ANSIBLE_DEBUG": "1"})


def bootstrap_role(ansible, emulator, tmp_path):
    management = ansible.new_account("Enabled")
    members = {}
    for host in ("member-one", "member-two"):
        account = emulator.add_account(status="NotEnabled")
        emulator.add_role(account.account_id, ROLE_NAME, trusted_accounts=[management.account_id])
        members[host] = {"account_bootstrap_account_id": account.account_id}
    inventory = json.dumps({"all": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "hosts": members,
    }})
    text = """
- hosts: all
  gather_facts: false
  module_defaults:
    group/alicloud.kms.alicloud:
      endpoint: "{{ endpoint }}"
      sts_endpoint: "{{ sts }}"
      ca_bundle: "{{ ca }}"
  roles:
    - role: alicloud.kms.account_bootstrap
"""
    return dict(text=text, keys=management, inventory=inventory,
                extra_vars=dict(endpoint=emulator.http_url, sts=emulator.https_url, ca=emulator.ca_path,
                                account_bootstrap_report_dir=str(tmp_path / "reports")))


ROLE_PRESENT = (ROOT / "roles" / "account_bootstrap" / "tasks" / "main.yml").is_file()

LEAK_SCENARIOS = [
    pytest.param(keys_as_options, id="keys-as-options"),
    pytest.param(sts_token_failing, id="sts-token-failing"),
    pytest.param(wrong_secret, id="wrong-secret"),
    pytest.param(secret_with_line_break, id="secret-with-line-break"),
    pytest.param(assumed_role, id="assumed-role"),
    pytest.param(profile_file, id="profile-ak-and-sts"),
    pytest.param(ecs_role, id="ecs-role"),
    pytest.param(retried_faults, id="retried-faults"),
    pytest.param(sdk_debug, id="sdk-debug"),
    pytest.param(bootstrap_role, id="bootstrap-role",
                 marks=pytest.mark.skipif(not ROLE_PRESENT, reason="the account_bootstrap role is not in this tree")),
]


@pytest.mark.parametrize("scenario", LEAK_SCENARIOS)
def test_nothing_leaks(ansible, emulator, tmp_path, scenario):
    setup = scenario(ansible, emulator, tmp_path)
    log_path = tmp_path / "ansible.log"
    env = dict(setup.get("env", {}), ANSIBLE_LOG_PATH=str(log_path))

    run = ansible.playbook(setup["text"], keys=setup.get("keys"), env=env, verbosity=4,
                           inventory=setup.get("inventory"), extra_vars=setup.get("extra_vars"))

    # The fixture has scanned the run already; these checks make sure there was something to scan.
    assert "PLAY RECAP" in run.stdout, run.output
    assert log_path.stat().st_size > 0
    assert bool(emulator.calls()) is not setup.get("offline", False)
    assert bool(emulator.signatures()) is not setup.get("offline", False)
    assert "Traceback" not in run.output
    ansible.assert_no_secrets(log_path.read_text())


def test_module_file_with_sdk_debug(emulator, tmp_path):
    """Run the module file itself, as AnsiballZ does on a target, and read its stderr: SDK dumps land there."""
    owner = emulator.add_account(status="NotEnabled")
    key_id, secret, token = emulator.issue_sts_token(owner.account_id)
    arguments = tmp_path / "arguments.json"
    arguments.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": {"endpoint": emulator.http_url}}))
    env = {name: value for name, value in os.environ.items() if not name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update(PYTHONPATH=str(ROOT / ".build" / "collections"), DEBUG="sdk", ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret, ALIBABA_CLOUD_SECURITY_TOKEN=token,
               ALIBABA_CLOUD_ECS_METADATA_DISABLED="true")
    module = ROOT / "plugins" / "modules" / "alicloud_kms_service.py"

    completed = subprocess.run([sys.executable, str(module), str(arguments)], env=env, capture_output=True,
                               text=True, timeout=120, check=False)

    output = completed.stdout + completed.stderr
    signatures = emulator.signatures()
    assert completed.returncode == 0, output
    assert json.loads(completed.stdout)["changed"] is True
    assert len(signatures) == 2
    assert token not in output
    assert secret not in output
    assert not [signature for signature in signatures if signature in output]


def signed_call(emulator, key_id, secret):
    """Make one signed DescribeAccountKmsStatus call from this process, so the emulator records a signature."""
    from alibabacloud_kms20160120.client import Client
    from alibabacloud_tea_openapi.models import Config
    from darabonba.runtime import RuntimeOptions

    client = Client(Config(access_key_id=key_id, access_key_secret=secret, endpoint=emulator.http_endpoint,
                           protocol="http", region_id="cn-hangzhou"))
    client.describe_account_kms_status_with_options(RuntimeOptions())


def test_scan_finds_signature(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("NotEnabled")
    signed_call(emulator, keys.key_id, keys.secret)
    (signature,) = emulator.signatures()

    with pytest.raises(AssertionError):
        automatic_ansible.assert_no_secrets("Authorization: ... Signature=%s" % signature)


def test_scan_finds_issued_token(automatic_ansible, emulator):
    owner = emulator.add_account(status="NotEnabled")
    _key_id, _secret, token = emulator.issue_sts_token(owner.account_id)

    with pytest.raises(AssertionError):
        automatic_ansible.assert_no_secrets("x-acs-security-token : %s" % token)


def test_scan_reads_report_and_log(automatic_ansible, tmp_path):
    keys = automatic_ansible.new_account("NotEnabled")
    report = tmp_path / "reports" / "kms-bootstrap-report.md"
    report.parent.mkdir()
    log = tmp_path / "ansible.log"
    log.write_text("nothing to see\n")

    automatic_ansible.assert_files_have_no_secrets(str(log))
    report.write_text("| account | secret %s |\n" % keys.secret)
    with pytest.raises(AssertionError):
        automatic_ansible.assert_files_have_no_secrets(str(log))
    report.unlink()
    log.write_text("secret_key=%s\n" % keys.secret)
    with pytest.raises(AssertionError):
        automatic_ansible.assert_files_have_no_secrets(str(log))
