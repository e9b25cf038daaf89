"""Loading an emulator setup (accounts, keys, roles, faults, ECS role) from a JSON document.

The format is described in README.md beside this file.
"""

import json

ACCOUNT_FIELDS = {"account_id", "status", "real_name_verified", "denied_actions", "access_keys", "roles"}
KEY_FIELDS = {"key_id", "secret", "active"}
ROLE_FIELDS = {"name", "trusted_accounts", "external_id"}
FAULT_FIELDS = {"action", "code", "http_status", "times", "message", "retry_after_ms", "delay", "drop", "account_id",
                "after_action"}
ECS_ROLE_FIELDS = {"role_name", "account_id", "require_token"}
TOP_LEVEL_FIELDS = {"accounts", "faults", "ecs_role"}


class ConfigError(ValueError):
    """An invalid configuration document; the message names the offending entry."""


def _check_fields(entry, allowed, where):
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a JSON object, got {type(entry).__name__}")

    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ConfigError(f"{where} has unknown fields {', '.join(unknown)}: expected some of {', '.join(sorted(allowed))}")


def load_config(path):
    """Read and parse the JSON configuration file at `path`."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read configuration file {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise ConfigError(f"configuration file {path} is not valid JSON: {error}") from error


def apply_config(emulator, document):
    """Create the accounts, keys, roles, faults and ECS role of `document` in `emulator`.

    Return a summary with every account id, key pair and role ARN, including
    generated ones, for the ready file.
    """
    _check_fields(document, TOP_LEVEL_FIELDS, "the configuration")
    summary = []
    pending_roles = []

    for index, entry in enumerate(document.get("accounts", [])):
        where = f"accounts[{index}]"
        _check_fields(entry, ACCOUNT_FIELDS, where)
        try:
            account = emulator.add_account(
                entry.get("account_id"), entry.get("status", "NotEnabled"),
                entry.get("real_name_verified", True), entry.get("denied_actions", ()),
            )
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from error

        keys = []
        for key_index, key in enumerate(entry.get("access_keys", [])):
            _check_fields(key, KEY_FIELDS, f"{where}.access_keys[{key_index}]")
            try:
                key_id, secret = emulator.add_access_key(account.account_id, key.get("key_id"), key.get("secret"), key.get("active", True))
            except ValueError as error:
                raise ConfigError(f"{where}.access_keys[{key_index}]: {error}") from error
            keys.append({"key_id": key_id, "secret": secret})

        # Roles are created after every account, so a role may trust an account listed later.
        for role_index, role in enumerate(entry.get("roles", [])):
            _check_fields(role, ROLE_FIELDS, f"{where}.roles[{role_index}]")
            if "name" not in role:
                raise ConfigError(f"{where}.roles[{role_index}] is missing the field 'name'")
            pending_roles.append((account.account_id, role))

        summary.append({"account_id": account.account_id, "access_keys": keys, "roles": []})

    roles_by_account = {item["account_id"]: item["roles"] for item in summary}
    for account_id, role in pending_roles:
        try:
            role_arn = emulator.add_role(account_id, role["name"], role.get("trusted_accounts", ()), role.get("external_id"))
        except ValueError as error:
            raise ConfigError(f"role {role['name']!r} of account {account_id}: {error}") from error
        roles_by_account[account_id].append(role_arn)

    for index, fault in enumerate(document.get("faults", [])):
        _check_fields(fault, FAULT_FIELDS, f"faults[{index}]")
        if "action" not in fault:
            raise ConfigError(f"faults[{index}] is missing the field 'action'")
        try:
            emulator.add_fault(**fault)
        except ValueError as error:
            raise ConfigError(f"faults[{index}]: {error}") from error

    ecs_role = document.get("ecs_role")
    if ecs_role is not None:
        _check_fields(ecs_role, ECS_ROLE_FIELDS, "ecs_role")
        try:
            emulator.set_ecs_role(ecs_role["role_name"], ecs_role["account_id"], ecs_role.get("require_token", True))
        except KeyError as error:
            raise ConfigError(f"ecs_role: {error.args[0]}") from error

    return summary
