# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choose where a task of the collection runs: in-process on the controller, or as an ordinary module.

In-process is chosen only where it cannot change what the task does. The target must be the controller
itself, and the module would run under the controller's own Python. The module's process would also
get nothing that the controller lacks: no task environment, no become and no async. Every other task runs
the module the ordinary way, and so does every task when the variable alicloud_kms_in_process is false.
"""

import os
import sys
from dataclasses import dataclass

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean


IN_PROCESS_VARIABLE = "alicloud_kms_in_process"

# The names ansible-core resolves its local connection plugin to.
LOCAL_CONNECTIONS = ("ansible.builtin.local", "ansible.legacy.local")

# Values of ansible_python_interpreter that ask for interpreter discovery.
DISCOVERY_MODES = ("auto", "auto_legacy", "auto_silent", "auto_legacy_silent")


@dataclass(frozen=True)
class ExecutionPath:
    """The place a task runs, and the reason, for the -vvv output."""

    in_process: bool
    reason: str


def module_path(reason):
    return ExecutionPath(in_process=False, reason=reason)


def choose_path(action, task_vars, sdk_error=None):
    """Return the ExecutionPath for the task that `action`, an ActionBase, is about to run.

    `sdk_error` is the error met importing the SDK on the controller, or None.
    Raises AnsibleActionFail when alicloud_kms_in_process is not a boolean.
    """
    if not in_process_allowed(action._templar, task_vars):
        return module_path("%s is false" % IN_PROCESS_VARIABLE)

    connection = connection_name(action._connection)
    if connection not in LOCAL_CONNECTIONS:
        return module_path("the connection is %s, not local" % connection)
    if action._play_context.become:
        return module_path("the task uses become")
    if action._task.async_val:
        return module_path("the task runs async")
    if task_environment(action):
        return module_path("the task sets environment variables")

    interpreter = module_interpreter(action, task_vars)
    if interpreter is None:
        return module_path("the target's Python is left to interpreter discovery")
    if not same_python(interpreter, sys.executable):
        return module_path("the target's Python %s is not the controller's %s" % (interpreter, sys.executable))

    if sdk_error is not None:
        return module_path("the controller cannot import the SDK (%s)" % sdk_error)
    return ExecutionPath(in_process=True, reason="the target is the controller, with the controller's Python")


def in_process_allowed(templar, task_vars):
    """Read alicloud_kms_in_process (default true). Raises AnsibleActionFail for a value that is not a boolean."""
    value = templar.template(task_vars.get(IN_PROCESS_VARIABLE, True))
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleActionFail("%s is %r, which is not a boolean: set it to true, or to false to run the "
                                "module the ordinary way" % (IN_PROCESS_VARIABLE, value)) from None


def connection_name(connection):
    return getattr(connection, "ansible_name", None) or connection.transport


def task_environment(action):
    """Return the environment the module's process would get from the task, templated, as a dict."""
    environment = {}
    action._compute_environment_string(raw_environment_out=environment)
    return environment


def module_interpreter(action, task_vars):
    """Return the Python the module would run under, or None when interpreter discovery has to find it.

    The same reading as ansible-core's: the variables of the delegated host when the task is
    delegated, the INTERPRETER_PYTHON setting (ansible_python_interpreter), and the fact a previous
    discovery left.
    """
    use_vars = task_vars
    if action._task.delegate_to:
        use_vars = task_vars.get("ansible_delegated_vars", {}).get(action._task.delegate_to, {})

    configured = C.config.get_config_value("INTERPRETER_PYTHON", variables=use_vars)
    interpreter = action._templar.template(configured)
    interpreter = interpreter.strip() if isinstance(interpreter, str) else interpreter

    if interpreter and interpreter not in DISCOVERY_MODES:
        return interpreter
    return use_vars.get("ansible_facts", {}).get("discovered_interpreter_python")


def same_python(interpreter, executable):
    """Tell whether the interpreter path names the same Python, with the same packages, as `executable`."""
    interpreter = os.path.abspath(interpreter)
    executable = os.path.abspath(executable)
    if interpreter == executable:
        return True

    # python, python3 and python3.11 in one bin folder (of a virtual environment, say) are one Python.
    # A link to it from another folder is not: Python looks for pyvenv.cfg beside the path it was started by.
    if os.path.dirname(interpreter) != os.path.dirname(executable):
        return False
    try:
        return os.path.samefile(interpreter, executable)
    except OSError:
        return False
