# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """Notes on where the modules run: in-process on the controller, or as an ordinary module."""

    # ansible-core rejects a fragment without options or attributes, so this one declares no options.
    DOCUMENTATION = r"""
options: {}
notes:
  - When the task's target is the controller itself (a host whose C(ansible_connection) is C(local), such
    as the implicit C(localhost), or a task delegated to C(localhost)), the module's action plugin runs the
    module's code inside the controller's worker process. The SDK is then imported once per C(ansible) or
    C(ansible-playbook) run rather than once per host. Options, validation, check mode, diff, results,
    warnings and errors are the same as when the module runs in a process of its own.
  - The module runs the ordinary way, in a process of its own, when the connection is not local, when the
    task uses C(become), C(async) or C(environment), when the host's C(ansible_python_interpreter) is not
    the Python that runs Ansible, or when that Python cannot import the SDK. Interpreter discovery
    usually picks the system Python, so set C(ansible_python_interpreter) to
    C({{ ansible_playbook_python }}) on local hosts that should run in-process.
  - Set the variable C(alicloud_kms_in_process) to V(false) (in the inventory, in play or task C(vars),
    or with C(-e alicloud_kms_in_process=false)) to always run the module the ordinary way. With C(-vvv),
    Ansible shows which way each task ran and why.
"""
