import sys

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.alicloud.kms.plugins.plugin_utils.execution_path import choose_path, same_python


class FakeTemplar:
    def template(self, value):
        return value


class FakeConnection:
    def __init__(self, name):
        self.ansible_name = name
        self.transport = name.rsplit(".", 1)[-1]


class FakeTask:
    def __init__(self, async_val=0, delegate_to=None):
        self.async_val = async_val
        self.delegate_to = delegate_to


class FakePlayContext:
    def __init__(self, become=False):
        self.become = become


class FakeAction:
    """The parts of an ActionBase that choose_path reads."""

    def __init__(self, connection="ansible.builtin.local", become=False, async_val=0, environment=None,
                 delegate_to=None):
        self._templar = FakeTemplar()
        self._connection = FakeConnection(connection)
        self._play_context = FakePlayContext(become)
        self._task = FakeTask(async_val, delegate_to)
        self.environment = environment or {}

    def _compute_environment_string(self, raw_environment_out):
        raw_environment_out.update(self.environment)
        return ""


def controller_vars(**extra):
    task_vars = {"ansible_python_interpreter": sys.executable, "ansible_facts": {}}
    task_vars.update(extra)
    return task_vars


def test_controller_target_runs_in_process():
    path = choose_path(FakeAction(), controller_vars())

    assert path.in_process is True


@pytest.mark.parametrize("value", [False, "false", "no", 0])
def test_variable_false_forces_module(value):
    path = choose_path(FakeAction(), controller_vars(alicloud_kms_in_process=value))

    assert path.in_process is False
    assert path.reason == "alicloud_kms_in_process is false"


def test_variable_not_boolean_rejected():
    with pytest.raises(AnsibleActionFail) as raised:
        choose_path(FakeAction(), controller_vars(alicloud_kms_in_process="sometimes"))

    assert "alicloud_kms_in_process is 'sometimes', which is not a boolean" in str(raised.value)


@pytest.mark.parametrize("action, reason", [
    (FakeAction(connection="ansible.builtin.ssh"), "the connection is ansible.builtin.ssh, not local"),
    (FakeAction(become=True), "the task uses become"),
    (FakeAction(async_val=30), "the task runs async"),
    (FakeAction(environment={"HTTPS_PROXY": "http://127.0.0.1:3128"}), "the task sets environment variables"),
])
def test_fallback_reasons(action, reason):
    path = choose_path(action, controller_vars())

    assert path.in_process is False
    assert path.reason == reason


def test_other_python_takes_module():
    path = choose_path(FakeAction(), controller_vars(ansible_python_interpreter="/usr/bin/env python3"))

    assert path.in_process is False
    assert "is not the controller's" in path.reason


def test_discovery_takes_module():
    task_vars = controller_vars()
    del task_vars["ansible_python_interpreter"]

    path = choose_path(FakeAction(), task_vars)

    assert path.in_process is False
    assert path.reason == "the target's Python is left to interpreter discovery"


def test_discovered_controller_python_in_process():
    task_vars = controller_vars(ansible_python_interpreter="auto_silent")
    task_vars["ansible_facts"]["discovered_interpreter_python"] = sys.executable

    path = choose_path(FakeAction(), task_vars)

    assert path.in_process is True


def test_delegated_task_reads_delegated_vars():
    task_vars = {"ansible_python_interpreter": "/usr/bin/python3",
                 "ansible_delegated_vars": {"localhost": controller_vars()}}

    path = choose_path(FakeAction(delegate_to="localhost"), task_vars)

    assert path.in_process is True


def test_missing_sdk_takes_module():
    path = choose_path(FakeAction(), controller_vars(), sdk_error=ImportError("No module named 'Tea'"))

    assert path.in_process is False
    assert path.reason == "the controller cannot import the SDK (No module named 'Tea')"


def test_same_python_sibling_names(tmp_path):
    binary = tmp_path / "bin" / "python3.11"
    binary.parent.mkdir()
    binary.write_text("")
    (tmp_path / "bin" / "python3").symlink_to(binary)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "python3").symlink_to(binary)

    assert same_python(str(binary), str(binary))
    assert same_python(str(tmp_path / "bin" / "python3"), str(binary))
    assert not same_python(str(tmp_path / "elsewhere" / "python3"), str(binary))
    assert not same_python(str(tmp_path / "bin" / "missing"), str(binary))
