# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an operation as an Ansible module: parse arguments, run it, exit with its result."""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alicloud.kms.plugins.module_utils.options import connection_argument_spec
from ansible_collections.alicloud.kms.plugins.module_utils.runner import run


def run_module(operation):
    """Build the AnsibleModule with the shared options, run `operation`, and exit."""
    module = AnsibleModule(argument_spec=connection_argument_spec(), supports_check_mode=True)

    result = run(operation, module.params, check_mode=module.check_mode)

    if not module._diff:
        result.pop("diff", None)
    for warning in result.pop("warnings", []):
        module.warn(warning)

    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
