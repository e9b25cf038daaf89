# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a module's Alibaba Cloud credentials come from.

Each source is a small class with the same two steps: `validate()` checks its own options without
touching the network, and `config_kwargs()` returns what alibabacloud_tea_openapi's Config needs.
`describe()` names the source for error messages; it shows a key id by its first and last characters
only, and never a secret or a token.

Order: explicit keys, else the SDK's default chain.
"""

import os

from ansible_collections.alicloud.kms.plugins.module_utils.options import OptionError, require_text


ACCESS_KEY_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY")
SECRET_KEY_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY")
SECURITY_TOKEN_ENV = ("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN")


def mask_key_id(key_id):
    """Return a key id shortened to its first and last four characters, such as LTAI...f3e9."""
    if not key_id:
        return "(none)"
    if len(key_id) <= 10:
        return key_id[:2] + "..."
    return "%s...%s" % (key_id[:4], key_id[-4:])


def option_origin(option, value, env_names):
    """Name where an option's value came from: an environment variable that holds it, or the option."""
    for name in env_names:
        if os.environ.get(name) == value:
            return "the environment variable %s" % name
    return "the %s option" % option


class ExplicitKeys:
    """An AccessKey pair given as options or environment variables, with an optional STS token."""

    name = "access key"

    def __init__(self, params):
        self.access_key = params.get("access_key")
        self.secret_key = params.get("secret_key")
        self.security_token = params.get("security_token")

    def validate(self):
        self.access_key = require_text("access_key", self.access_key)
        if self.secret_key is None:
            raise OptionError("access_key %s is set but secret_key is missing: set secret_key or "
                              "ALIBABA_CLOUD_ACCESS_KEY_SECRET" % mask_key_id(self.access_key))
        if not str(self.secret_key).strip():
            raise OptionError("secret_key is empty: set it to the AccessKey secret of %s"
                              % mask_key_id(self.access_key))
        if self.security_token is not None and not str(self.security_token).strip():
            raise OptionError("security_token is empty: set it to the STS token issued with %s, or leave "
                              "it out for a permanent AccessKey" % mask_key_id(self.access_key))

    def config_kwargs(self):
        return dict(
            access_key_id=self.access_key,
            access_key_secret=self.secret_key,
            security_token=self.security_token,
        )

    def describe(self):
        origin = option_origin("access_key", self.access_key, ACCESS_KEY_ENV)
        kind = "STS access key" if self.security_token else "access key"
        return "%s %s from %s" % (kind, mask_key_id(self.access_key), origin)

    def credentials_hint(self):
        if self.security_token:
            return "request a new STS token and set security_token (or ALIBABA_CLOUD_SECURITY_TOKEN)"
        return "check access_key and secret_key (or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)"


class DefaultChain:
    """The alibabacloud-credentials default chain: environment, OIDC, CLI config, ECS role, URI."""

    name = "default credential chain"

    def validate(self):
        # The chain finds its source only when it is first asked for a key.
        return None

    def config_kwargs(self):
        from alibabacloud_credentials.client import Client as CredentialClient

        return dict(credential=CredentialClient())

    def describe(self):
        return "the default credential chain of alibabacloud-credentials (no credential options were set)"

    def credentials_hint(self):
        return "set access_key and secret_key, or configure one of the sources the default chain reads"


def select_source(params):
    """Pick the credential source the options ask for, check it offline, and return it.

    Raises OptionError naming the option and the fix.
    """
    has_keys = any(params.get(name) is not None for name in ("access_key", "secret_key", "security_token"))
    if has_keys and params.get("access_key") is None:
        given = "secret_key" if params.get("secret_key") is not None else "security_token"
        raise OptionError("%s is set but access_key is missing: set access_key (or "
                          "ALIBABA_CLOUD_ACCESS_KEY_ID) to the AccessKey id that goes with it" % given)

    source = ExplicitKeys(params) if has_keys else DefaultChain()
    source.validate()
    return source
