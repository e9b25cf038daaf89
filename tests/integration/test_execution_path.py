"""Which way a task runs (in-process on the controller, or as a module), and that both ways agree.

The path a run took is read from the User-Agent of its API calls (Run.paths) or, for a run that makes
no call, from the line the action plugin prints at -vvv.
"""

import json
import os
import sys

import pytest

IN_PROCESS = "in-process"
MODULE = "module"
SERVICE = "alicloud_kms_service"
INFO = "alicloud_kms_service_info"

PLAYBOOK = """
- hosts: {hosts}
  gather_facts: false
  tasks:
    - name: Read the KMS status
      alicloud.kms.alicloud_kms_service_info:
        endpoint: "{{{{ kms_endpoint }}}}"
{task_options}
"""


def playbook(task_options="", hosts="localhost"):
    lines = "".join("      %s\n" % line for line in task_options.strip().splitlines())
    return PLAYBOOK.format(hosts=hosts, task_options=lines)


def verbose_result(run):
    """Return the task result the default callback printed after '=>' at -vvv, without its request id."""
    start = run.stdout.index("=> {") + len("=> ")
    result, _end = json.JSONDecoder().raw_decode(run.stdout[start:])
    result.pop("request_id", None)
    return result


def warning_lines(run):
    return [line for line in run.output.splitlines() if line.startswith("[WARNING]: ") and "eprecat" not in line]


def test_adhoc_localhost_runs_in_process(automatic_ansible):
    keys = automatic_ansible.new_account("Enabled")

    run = automatic_ansible.module(INFO, keys=keys)

    assert run.rc == 0, run.output
    assert run.paths == {IN_PROCESS}


def test_variable_forces_module_path(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")
    text = playbook("vars:\n  alicloud_kms_in_process: false")

    run = automatic_ansible.playbook(text, keys=keys, extra_vars={"kms_endpoint": emulator.http_url})

    assert run.rc == 0, run.output
    assert run.paths == {MODULE}


def test_invalid_variable_rejected(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")

    run = automatic_ansible.playbook(playbook(), keys=keys,
                                     extra_vars={"kms_endpoint": emulator.http_url, "alicloud_kms_in_process": "maybe"})

    assert run.rc != 0
    assert "alicloud_kms_in_process is 'maybe', which is not a boolean" in run.stdout
    assert emulator.calls() == []


def test_task_environment_takes_module_path(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")
    # The key pair reaches the module only through the task's environment.
    text = playbook("environment:\n  ALIBABA_CLOUD_ACCESS_KEY_ID: \"{{ key }}\"\n"
                    "  ALIBABA_CLOUD_ACCESS_KEY_SECRET: \"{{ secret }}\"")
    extra_vars = {"kms_endpoint": emulator.http_url, "key": keys.key_id, "secret": keys.secret}

    run = automatic_ansible.playbook(text, extra_vars=extra_vars)

    assert run.rc == 0, run.output
    assert run.paths == {MODULE}


def test_async_takes_module_path(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")

    # An absolute folder, because the async wrapper and async_status resolve ~ differently when HOME is not
    # the user's home folder.
    env = {"ANSIBLE_ASYNC_DIR": str(automatic_ansible.tmp_path / "async")}

    run = automatic_ansible.playbook(playbook("async: 60\npoll: 1"), keys=keys, env=env,
                                     extra_vars={"kms_endpoint": emulator.http_url})

    assert run.rc == 0, run.output
    assert run.paths == {MODULE}


@pytest.mark.skipif(os.geteuid() != 0, reason="become with su needs no password only for root")
def test_become_takes_module_path(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")

    run = automatic_ansible.playbook(playbook("become: true\nbecome_method: su"), keys=keys,
                                     extra_vars={"kms_endpoint": emulator.http_url})

    assert run.rc == 0, run.output
    assert run.paths == {MODULE}


@pytest.mark.parametrize("interpreter, reason", [
    ("link", "is not the controller's"),
    (None, "left to interpreter discovery"),
])
def test_other_python_takes_module_path(automatic_ansible, emulator, interpreter, reason):
    keys = automatic_ansible.new_account("Enabled")
    inventory = "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
    if interpreter == "link":
        # The same Python binary, started from another folder, does not find the virtual environment.
        link = automatic_ansible.tmp_path / "python3"
        link.symlink_to(sys.executable)
        inventory += "      ansible_python_interpreter: %s\n" % link

    run = automatic_ansible.playbook(playbook(), keys=keys, inventory=inventory, verbosity=3,
                                     extra_vars={"kms_endpoint": emulator.http_url})

    assert "alicloud.kms.alicloud_kms_service_info runs as a module: the target's Python" in run.stdout
    assert reason in run.stdout
    assert IN_PROCESS not in run.paths


def test_controller_without_sdk_takes_module_path(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")
    # A package of the same name earlier on the path hides the SDK from the controller and the module alike.
    shadow = automatic_ansible.tmp_path / "shadow" / "alibabacloud_kms20160120"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('the SDK is hidden for this test')\n")

    run = automatic_ansible.module(INFO, keys=keys, verbosity=3, env={"PYTHONPATH": str(shadow.parent)})

    assert run.rc != 0
    assert "runs as a module: the controller cannot import the SDK" in run.stdout
    assert "pip install alibabacloud-kms20160120" in run.result["msg"]
    assert emulator.calls() == []


def test_delegated_to_localhost_runs_in_process(automatic_ansible, emulator):
    keys = automatic_ansible.new_account("Enabled")
    # The host is never contacted: its only task is delegated to the controller.
    inventory = ("all:\n  hosts:\n    remote:\n      ansible_connection: ssh\n"
                 "      ansible_host: 127.0.0.1\n      ansible_port: 1\n")

    run = automatic_ansible.playbook(playbook("delegate_to: localhost", hosts="remote"), keys=keys,
                                     inventory=inventory, extra_vars={"kms_endpoint": emulator.http_url})

    assert run.rc == 0, run.output
    assert run.recap("remote") == {"ok": 1, "changed": 0, "failed": 0}
    assert run.paths == {IN_PROCESS}


@pytest.mark.parametrize("case", ["check_diff_alias", "unsupported_option", "secret_in_message"])
def test_results_match_across_paths(ansible_on, case):
    results = {}
    warnings = {}
    for path in (IN_PROCESS, MODULE):
        ansible = ansible_on(path)
        keys = ansible.new_account("NotEnabled")
        args = {"region": "cn-hangzhou", "region_id": "cn-shanghai"}
        env = {}
        if case == "unsupported_option":
            args = {"regoin": "cn-hangzhou"}
        if case == "secret_in_message":
            # Through the environment, because ansible prints a failed ad hoc task's arguments.
            args = {}
            env = {"ALIBABA_CLOUD_REGION_ID": keys.secret}

        run = ansible.module(SERVICE, args=args, keys=keys, env=env, check=True, diff=True, verbosity=3)

        result = verbose_result(run)
        result["invocation"]["module_args"].pop("access_key")
        results[path] = result
        warnings[path] = warning_lines(run)

    assert results[IN_PROCESS] == results[MODULE]
    assert warnings[IN_PROCESS] == warnings[MODULE]
    if case == "check_diff_alias":
        assert results[IN_PROCESS]["diff"] == {"before": {"account_status": "NotEnabled"},
                                               "after": {"account_status": "Enabled"}}
        assert "[WARNING]: Both option region and its alias region_id are set." in warnings[IN_PROCESS]
    if case == "unsupported_option":
        assert "Unsupported parameters for (alicloud.kms.alicloud_kms_service) module: regoin" in results[IN_PROCESS]["msg"]
    if case == "secret_in_message":
        assert results[IN_PROCESS]["msg"].startswith("region '********' is not a valid region id")
        assert results[IN_PROCESS]["invocation"]["module_args"]["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_module_defaults_match_across_paths(ansible_on, emulator):
    text = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/alicloud.kms.alicloud:
      endpoint: "{{ kms_endpoint }}"
      region: cn-shanghai
      retries: 1
    alicloud.kms.alicloud_kms_service_info:
      retries: 2
  tasks:
    - name: Read the KMS status
      alicloud.kms.alicloud_kms_service_info:
        connect_timeout: 3
"""
    module_args = {}
    for path in (IN_PROCESS, MODULE):
        ansible = ansible_on(path)
        keys = ansible.new_account("Enabled")

        run = ansible.playbook(text, keys=keys, verbosity=3, extra_vars={"kms_endpoint": emulator.http_url})

        assert run.rc == 0, run.output
        assert run.paths == {path}
        module_args[path] = verbose_result(run)["invocation"]["module_args"]
        module_args[path].pop("access_key")

    assert module_args[IN_PROCESS] == module_args[MODULE]
    assert module_args[IN_PROCESS]["endpoint"] == emulator.http_url
    assert module_args[IN_PROCESS]["region"] == "cn-shanghai"
    assert module_args[IN_PROCESS]["retries"] == 2
    assert module_args[IN_PROCESS]["connect_timeout"] == 3
