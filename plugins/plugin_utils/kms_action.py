# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin behind both modules: in-process on the controller where that changes nothing, else the module.

The SDK is imported here, at the top level, on purpose. ansible-core's linear and free strategies load
a task's action plugin class in the controller's main process before they fork a worker per host, so
this import runs once per ansible or ansible-playbook run and every worker inherits it. A module's
process imports the SDK again for every host (0.3 to 0.4 s measured on a 2-core machine).
"""

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.alicloud.kms.plugins.module_utils.client import SdkMissing, import_sdk
from ansible_collections.alicloud.kms.plugins.plugin_utils.execution_path import choose_path
from ansible_collections.alicloud.kms.plugins.plugin_utils.in_process import run_in_process


try:
    import_sdk()
    SDK_ERROR = None
except SdkMissing as error:
    # The module path runs instead, and reports the missing packages on the host that runs it.
    SDK_ERROR = error.__cause__ or error

display = Display()


class KmsServiceAction(ActionBase):
    """Runs `operation` in-process when the target is the controller itself, else executes the module.

    Each plugin sets `operation` to a function (api, check_mode) -> ServiceResult from module_utils.service.
    """

    _supports_check_mode = True
    _supports_async = True
    operation = None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}

        path = choose_path(self, task_vars, sdk_error=SDK_ERROR)
        where = "in-process on the controller" if path.in_process else "as a module"
        display.vvv("%s runs %s: %s" % (self._task.action, where, path.reason), host=self._play_context.remote_addr)

        if path.in_process:
            outcome = run_in_process(self.operation, self._task.args, self._task.action,
                                     check_mode=self._task.check_mode, diff=self._task.diff)
        else:
            outcome = self._run_module(task_vars)
        return merge_hash(result, outcome)

    def _run_module(self, task_vars):
        """Execute the module of the same name the way ansible.builtin.normal does."""
        wrap_async = self._task.async_val and not self._connection.has_native_async
        outcome = self._execute_module(task_vars=task_vars, wrap_async=wrap_async)

        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return outcome
