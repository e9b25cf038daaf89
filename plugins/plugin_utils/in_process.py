# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one of the collection's operations inside the controller's process, as AnsibleModule would run it.

On the module path AnsibleModule validates the arguments against the argument spec (environment
fallbacks, aliases, types, unknown options), passes the warnings on, drops the diff outside diff mode,
adds `invocation`, and masks every no_log value in what it returns. `run_in_process` does the same
around the same `runner.run`, so a task's result does not depend on where it ran.

NOTE: AnsibleModule also logs each invocation to the target's syslog or journal and, when tracebacks
are enabled (DISPLAY_TRACEBACK), adds the call stack to a failure. The in-process path does neither.
"""

import json
from functools import partial

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.alicloud.kms.plugins.module_utils.client import USER_AGENT, KmsApi
from ansible_collections.alicloud.kms.plugins.module_utils.options import connection_argument_spec
from ansible_collections.alicloud.kms.plugins.module_utils.runner import run

try:
    from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
except ImportError:
    # ansible-core before 2.19 has no serialization profiles: as_module_arguments() falls back to AnsibleJSONEncoder.
    get_module_encoder = None


# Sent to the endpoint, so that server-side logs tell the two paths apart.
IN_PROCESS_USER_AGENT = USER_AGENT + " (in-process)"

# The serialization profile ansible-core uses for the arguments of a module that declares none.
SERIALIZATION_PROFILE = "legacy"


def run_in_process(operation, task_args, module_name, check_mode, diff):
    """Validate `task_args`, run `operation(api, check_mode)` through runner.run, and return the task result.

    `module_name` is the action name as the task gave it, for the unsupported-parameters message.
    """
    params = as_module_arguments(task_args)

    validation = ArgumentSpecValidator(connection_argument_spec()).validate(params)
    params.update(validation.validated_parameters)
    warnings = ["Both option %s and its alias %s are set." % (item["option"], item["alias"])
                for item in validation._warnings]

    error = validation_message(validation, module_name)
    if error:
        result = dict(failed=True, msg=error)
    else:
        api_factory = partial(KmsApi, user_agent=IN_PROCESS_USER_AGENT)
        result = run(operation, params, check_mode=check_mode, api_factory=api_factory)
        warnings.extend(result.pop("warnings", []))
        if not diff:
            result.pop("diff", None)

    result["invocation"] = dict(module_args=params)
    if warnings:
        result["warnings"] = warnings
    if validation._deprecations:
        result["deprecations"] = validation._deprecations
    return masked(result, validation._no_log_values)


def as_module_arguments(task_args):
    """Return the task's arguments as the module would receive them: plain JSON values, vaulted ones decrypted."""
    if get_module_encoder is None:
        from ansible.module_utils.common.json import AnsibleJSONEncoder

        return json.loads(json.dumps(dict(task_args), cls=AnsibleJSONEncoder, vault_to_text=True))

    encoded = json.dumps(dict(task_args), cls=get_module_encoder(SERIALIZATION_PROFILE, Direction.CONTROLLER_TO_MODULE))
    return json.loads(encoded, cls=get_module_decoder(SERIALIZATION_PROFILE, Direction.CONTROLLER_TO_MODULE))


def validation_message(validation, module_name):
    """Return AnsibleModule's message for the first validation error, or None when there is none."""
    try:
        first = validation.errors[0]
    except IndexError:
        return None

    message = validation.errors.msg
    if isinstance(first, UnsupportedError):
        message = "Unsupported parameters for (%s) module: %s" % (module_name, message)
    return message


def masked(result, no_log_values):
    """Replace no_log values anywhere in `result`, keeping top-level booleans and nulls, as AnsibleModule does."""
    preserved = {key: value for key, value in result.items() if value is None or isinstance(value, bool)}
    result = remove_values(result, no_log_values)
    result.update(preserved)
    return result
