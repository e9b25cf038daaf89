# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a profile from the aliyun CLI configuration file, offline.

The file is JSON: {"current": NAME, "profiles": [{"name", "mode", ...}]}. Field names are those the
aliyun CLI writes: access_key_id, access_key_secret, sts_token, ram_role_arn, ram_session_name,
expired_seconds, external_id, policy, ram_role_name and region_id.
"""

import json
import os
from dataclasses import dataclass, field
from typing import Optional

from ansible_collections.alicloud.kms.plugins.module_utils.options import OptionError, check_credential_text


DEFAULT_CONFIG_FILE = "~/.aliyun/config.json"

# The fields each supported mode needs.
MODE_FIELDS = {
    "AK": ("access_key_id", "access_key_secret"),
    "StsToken": ("access_key_id", "access_key_secret", "sts_token"),
    "RamRoleArn": ("access_key_id", "access_key_secret", "ram_role_arn"),
    "EcsRamRole": ("ram_role_name",),
}

# Fields that must be strings when present. The secret ones are named in messages, never shown.
TEXT_FIELDS = ("access_key_id", "access_key_secret", "sts_token", "ram_role_arn", "ram_session_name", "external_id",
               "policy", "ram_role_name", "region_id")
CREDENTIAL_FIELDS = ("access_key_id", "access_key_secret", "sts_token")


@dataclass
class Profile:
    """One profile of the file, with the file it came from for messages."""

    name: str
    mode: str
    path: str
    values: dict = field(default_factory=dict)

    def get(self, key) -> Optional[str]:
        value = self.values.get(key)
        return value if value not in ("", None) else None

    @property
    def region(self):
        return self.get("region_id")

    def describe(self):
        return "the profile '%s' in %s" % (self.name, self.path)


def config_path(value):
    """Return the configuration file path, expanding ~. Raises OptionError when HOME is needed but unset."""
    path = value or DEFAULT_CONFIG_FILE
    if path.startswith("~"):
        if not os.environ.get("HOME"):
            raise OptionError("HOME is not set, so %s cannot be found: set shared_credentials_file to the path "
                              "of the aliyun CLI config.json" % path)
        path = os.path.expanduser(path)
    return path


def load_profile(path_option, name):
    """Read the file and return the named profile (the file's current one when `name` is None)."""
    path = config_path(path_option)
    document = _read_json(path)

    profiles = document.get("profiles")
    if not isinstance(profiles, list):
        raise OptionError("%s has no 'profiles' list: it is not an aliyun CLI configuration file; create one "
                          "with 'aliyun configure'" % path)

    name = name or document.get("current")
    if not name:
        raise OptionError("%s names no current profile: set the profile option" % path)

    for entry in profiles:
        if isinstance(entry, dict) and entry.get("name") == name:
            return _checked(Profile(name=name, mode=str(entry.get("mode") or ""), path=path, values=entry))

    known = ", ".join(sorted(str(entry.get("name")) for entry in profiles if isinstance(entry, dict)))
    raise OptionError("profile '%s' is not in %s (profiles there: %s): fix the profile option or run "
                      "'aliyun configure --profile %s'" % (name, path, known or "none", name))


def _read_json(path):
    if os.path.isdir(path):
        raise OptionError("the aliyun CLI configuration file %s is a directory: set shared_credentials_file to the "
                          "path of the config.json file inside it" % path)
    if not os.path.isfile(path):
        raise OptionError("the aliyun CLI configuration file %s does not exist: create it with 'aliyun configure' "
                          "or set shared_credentials_file" % path)
    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
    except PermissionError:
        raise OptionError("the aliyun CLI configuration file %s is not readable by this user: fix its "
                          "permissions" % path) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise OptionError("the aliyun CLI configuration file %s is not valid JSON (%s): fix or recreate it with "
                          "'aliyun configure'" % (path, error)) from None

    if not isinstance(document, dict):
        raise OptionError("the aliyun CLI configuration file %s does not hold a JSON object: recreate it with "
                          "'aliyun configure'" % path)
    return document


def _checked(profile):
    needed = MODE_FIELDS.get(profile.mode)
    if needed is None:
        raise OptionError("%s has the mode %r, which this collection does not support: use one of %s"
                          % (profile.describe(), profile.mode, ", ".join(sorted(MODE_FIELDS))))

    missing = [key for key in needed if profile.get(key) is None]
    if missing:
        raise OptionError("%s (mode %s) has no %s: complete it with 'aliyun configure --profile %s --mode %s'"
                          % (profile.describe(), profile.mode, " or ".join(missing), profile.name, profile.mode))

    for key in TEXT_FIELDS:
        value = profile.get(key)
        if value is not None and not isinstance(value, str):
            raise OptionError("%s has a value of type %s in %s, which must be a string: fix the file or recreate "
                              "the profile with 'aliyun configure --profile %s'"
                              % (profile.describe(), type(value).__name__, key, profile.name))
    for key in CREDENTIAL_FIELDS:
        if profile.get(key) is not None:
            check_credential_text(key, profile.get(key), "in %s" % profile.describe())
    return profile
