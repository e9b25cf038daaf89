# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential sources for the modules: keys, CLI profiles, the ECS role, the default chain and assume role.

Each source is a small class with the same two steps: `validate()` checks its own options without
touching the network, and `resolve(transport)` returns the keyword arguments for the SDK's Config
(access_key_id, access_key_secret and security_token). `describe()` names the source for messages:
it shows a key id by its first and last four characters only, and never a secret or a token.

Precedence: explicit keys, else `profile`, else `ecs_role_name`, else the SDK's default chain. A
source set as a module option beats one set only through the environment. Keys and a profile both
set as options is an error. `assume_role` applies on top of whichever base source was chosen.
"""

import json
import os
import re

from ansible_collections.alicloud.kms.plugins.module_utils import cli_profile, ecs_metadata, sts
from ansible_collections.alicloud.kms.plugins.module_utils.client import sdk_debug_disabled
from ansible_collections.alicloud.kms.plugins.module_utils.errors import CREDENTIALS, ApiError, classify_exception
from ansible_collections.alicloud.kms.plugins.module_utils.options import (
    OptionError,
    check_credential_text,
    require_text,
)


ACCESS_KEY_ENV = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY")
PROFILE_ENV = ("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
SHARED_FILE_ENV = ("ALICLOUD_SHARED_CREDENTIALS_FILE",)
ECS_ROLE_ENV = ("ALICLOUD_ECS_ROLE_NAME",)
ASSUME_ROLE_ARN_ENV = "ALICLOUD_ASSUME_ROLE_ARN"

DEFAULT_SESSION_NAME = "ansible-alicloud-kms"
MIN_SESSION_DURATION = 900
MAX_SESSION_DURATION = 43200
ROLE_ARN_PATTERN = re.compile(r"^acs:ram::(?P<account>[0-9]{1,32}):role/(?P<name>[A-Za-z0-9.@_\-/]{1,128})$")
SESSION_NAME_PATTERN = re.compile(r"^[A-Za-z0-9.@_\-]{2,64}$")
EXTERNAL_ID_PATTERN = re.compile(r"^[A-Za-z0-9=,.@:/_\-]{2,1224}$")
ROLE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9.\-_]{1,64}$")

OPTION = "option"
ENVIRONMENT = "environment"

# The action names of failures met while looking up credentials, before any API call.
DEFAULT_CHAIN_LOOKUP = "default credential chain"
CREDENTIAL_LOOKUPS = (DEFAULT_CHAIN_LOOKUP, ecs_metadata.METADATA_LOOKUP)


def mask_key_id(key_id):
    """Return a key id shortened to its first and last four characters, such as LTAI...f3e9."""
    if not key_id:
        return "(none)"
    if len(key_id) <= 10:
        return key_id[:2] + "..."
    return "%s...%s" % (key_id[:4], key_id[-4:])


def value_origin(value, env_names):
    """Return ENVIRONMENT when an environment variable contains `value`, OPTION when it is set otherwise, or None."""
    if value is None:
        return None
    if any(os.environ.get(name) == value for name in env_names):
        return ENVIRONMENT
    return OPTION


def origin_text(option, value, env_names):
    """Return where an option's value came from: the environment variable that contains it, or the option."""
    for name in env_names:
        if os.environ.get(name) == value:
            return "the environment variable %s" % name
    return "the %s option" % option


class ExplicitKeys:
    """An AccessKey pair given as options or environment variables, with an optional STS token."""

    def __init__(self, params):
        self.access_key = params.get("access_key")
        self.secret_key = params.get("secret_key")
        self.security_token = params.get("security_token")

    def validate(self):
        shown_key = mask_key_id(str(self.access_key))
        self.access_key = require_text("access_key", self.access_key, shown=shown_key)
        check_credential_text("access_key", self.access_key, shown_key)
        if self.secret_key is None:
            raise OptionError("access_key %s is set but secret_key is missing: set secret_key or "
                              "ALIBABA_CLOUD_ACCESS_KEY_SECRET" % shown_key)
        if not str(self.secret_key).strip():
            raise OptionError("secret_key is empty: set it to the AccessKey secret of %s" % shown_key)
        check_credential_text("secret_key", self.secret_key, "for %s" % shown_key)
        if self.security_token is not None and not str(self.security_token).strip():
            raise OptionError("security_token is empty: set it to the STS token issued with %s, or leave "
                              "it out for a permanent AccessKey" % shown_key)
        if self.security_token is not None:
            check_credential_text("security_token", self.security_token, "for %s" % shown_key)

    def resolve(self, transport):
        return dict(access_key_id=self.access_key, access_key_secret=self.secret_key,
                    security_token=self.security_token)

    def describe(self):
        origin = origin_text("access_key", self.access_key, ACCESS_KEY_ENV)
        kind = "STS access key" if self.security_token else "access key"
        return "the %s %s from %s" % (kind, mask_key_id(self.access_key), origin)

    def credentials_hint(self):
        if self.security_token:
            return "request a new STS token and set security_token (or ALIBABA_CLOUD_SECURITY_TOKEN)"
        if self.access_key.startswith("STS."):
            return ("the key id starts with STS., so it is a temporary key: set security_token (or "
                    "ALIBABA_CLOUD_SECURITY_TOKEN) to the token issued with it")
        return "check access_key and secret_key (or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET)"


class CliProfile:
    """A profile of the aliyun CLI configuration file, in mode AK, StsToken, RamRoleArn or EcsRamRole."""

    def __init__(self, params):
        self.name = params.get("profile")
        self.path_option = params.get("shared_credentials_file")
        self.sts_endpoint_option = params.get("sts_endpoint")
        self.sts_endpoint = None
        self.profile = None
        self.role = None

    def validate(self):
        if self.name is not None:
            self.name = require_text("profile", self.name)
        if self.path_option is not None:
            self.path_option = require_text("shared_credentials_file", self.path_option)
        self.profile = cli_profile.load_profile(self.path_option, self.name)

        if self.profile.mode == "RamRoleArn":
            # The aliyun CLI writes expired_seconds 0 when the user gave none.
            self.role = check_role(self.profile.get("ram_role_arn"), self.profile.get("ram_session_name"),
                                   self.profile.get("expired_seconds") or None, self.profile.get("external_id"),
                                   where=" in %s" % self.profile.describe())
            self.sts_endpoint = sts.parse_sts_endpoint(self.sts_endpoint_option)

    @property
    def region(self):
        return self.profile.region if self.profile else None

    def resolve(self, transport):
        profile = self.profile
        if profile.mode == "EcsRamRole":
            return ecs_metadata.fetch_role_credentials(transport, profile.get("ram_role_name"))

        keys = dict(access_key_id=profile.get("access_key_id"), access_key_secret=profile.get("access_key_secret"),
                    security_token=profile.get("sts_token") if profile.mode == "StsToken" else None)
        if profile.mode != "RamRoleArn":
            return keys

        role_arn, session_name, duration = self.role
        return sts.assume_role(transport, keys, self.sts_endpoint, role_arn=role_arn, session_name=session_name,
                               duration=duration, policy=profile.get("policy"), external_id=profile.get("external_id"))

    def describe(self):
        profile = self.profile
        if profile is None:
            return "the aliyun CLI profile %s" % (self.name or "(current)")
        if profile.mode == "EcsRamRole":
            return "the ECS RAM role '%s' from %s" % (profile.get("ram_role_name"), profile.describe())
        if profile.mode == "RamRoleArn":
            return "the role %s assumed with %s" % (profile.get("ram_role_arn"), self.describe_caller())
        return self.describe_caller()

    def describe_caller(self):
        """Name the identity that signs the first request, the one that calls AssumeRole in RamRoleArn mode."""
        if self.profile is None or self.profile.mode == "EcsRamRole":
            return self.describe()
        return "the access key %s from %s" % (mask_key_id(self.profile.get("access_key_id")), self.profile.describe())

    def credentials_hint(self):
        return "update %s with 'aliyun configure --profile %s'" % (self.profile.describe(), self.profile.name)


class EcsRole:
    """The RAM role attached to the ECS instance the module runs on."""

    def __init__(self, params):
        self.role_name = params.get("ecs_role_name")

    def validate(self):
        self.role_name = require_text("ecs_role_name", self.role_name)
        if not ROLE_NAME_PATTERN.match(self.role_name):
            raise OptionError("ecs_role_name %r is not a valid RAM role name: use 1 to 64 letters, digits, "
                              "'.', '-' or '_'" % self.role_name)

    def resolve(self, transport):
        return ecs_metadata.fetch_role_credentials(transport, self.role_name)

    def describe(self):
        return "the ECS instance RAM role '%s' (from %s)" % (
            self.role_name, origin_text("ecs_role_name", self.role_name, ECS_ROLE_ENV))

    def credentials_hint(self):
        return "check that the role is attached to this instance and that the module runs on it"


class DefaultChain:
    """The alibabacloud-credentials default chain: environment, OIDC, CLI config, credentials file, ECS role, URI."""

    def validate(self):
        # The chain finds its source only when it is first asked for a key.
        return None

    def resolve(self, transport):
        sdk = transport.sdk
        try:
            with sdk_debug_disabled():
                credential = sdk.CredentialClient().get_credential()
        except sdk.CredentialException as error:
            raise ApiError(kind=CREDENTIALS, code="InvalidCredentials", action=DEFAULT_CHAIN_LOOKUP,
                           message="it found none (%s). Set access_key and secret_key, profile, or ecs_role_name"
                                   % error) from None
        except sdk.errors as error:
            classified = classify_exception(error)
            classified.action = DEFAULT_CHAIN_LOOKUP
            raise classified from None

        return dict(access_key_id=credential.access_key_id, access_key_secret=credential.access_key_secret,
                    security_token=credential.security_token)

    def describe(self):
        return "the default credential chain of alibabacloud-credentials (no credential options were set)"

    def credentials_hint(self):
        return "set access_key and secret_key, or configure one of the sources the default chain reads"


class AssumedRole:
    """A RAM role assumed through STS with the credentials of a base source."""

    def __init__(self, base, options, sts_endpoint, where=" in assume_role"):
        self.base = base
        self.where = where
        self.role_arn = options.get("role_arn")
        self.session_name = options.get("session_name")
        self.duration = options.get("session_duration")
        self.policy = options.get("policy")
        self.external_id = options.get("external_id")
        self.sts_endpoint_option = sts_endpoint
        self.sts_endpoint = None

    def validate(self):
        self.base.validate()
        self.role_arn, self.session_name, self.duration = check_role(
            self.role_arn, self.session_name, self.duration, self.external_id, where=self.where)
        if self.policy is not None:
            self.policy = check_policy(self.policy)
        self.sts_endpoint = sts.parse_sts_endpoint(self.sts_endpoint_option)

    @property
    def region(self):
        return getattr(self.base, "region", None)

    def resolve(self, transport):
        base_keys = self.base.resolve(transport)
        return sts.assume_role(transport, base_keys, self.sts_endpoint, role_arn=self.role_arn,
                               session_name=self.session_name, duration=self.duration, policy=self.policy,
                               external_id=self.external_id)

    def describe(self):
        return "the role %s assumed with %s" % (self.role_arn, self.base.describe())

    def describe_caller(self):
        """Name the base identity, the one that calls AssumeRole."""
        return self.base.describe()

    def credentials_hint(self):
        return "check the base credentials (%s) and the role" % self.base.credentials_hint()


def check_role(role_arn, session_name, duration, external_id, where=""):
    """Check assume-role settings offline and return (role_arn, session_name, duration) with defaults."""
    role_arn = require_text("role_arn%s" % where, role_arn) if role_arn is not None else None
    if not role_arn:
        raise OptionError("role_arn is missing%s: give the ARN of the role to assume, such as "
                          "acs:ram::1234567890123456:role/ResourceDirectoryAccountAccessRole" % where)
    if not ROLE_ARN_PATTERN.match(role_arn):
        raise OptionError("role_arn %r%s is not a RAM role ARN: use the form acs:ram::<account id>:role/<role name>"
                          % (role_arn, where))

    session_name = DEFAULT_SESSION_NAME if session_name is None else str(session_name)
    if not SESSION_NAME_PATTERN.match(session_name):
        raise OptionError("session_name %r%s is invalid: use 2 to 64 letters, digits or the characters . @ - _"
                          % (session_name, where))

    try:
        duration = 3600 if duration is None else int(duration)
    except (TypeError, ValueError):
        raise OptionError("session_duration %r%s is not a whole number of seconds: give a value from %d to %d"
                          % (duration, where, MIN_SESSION_DURATION, MAX_SESSION_DURATION)) from None
    if not MIN_SESSION_DURATION <= duration <= MAX_SESSION_DURATION:
        raise OptionError("session_duration %d%s is out of range: give a number of seconds from %d to %d"
                          % (duration, where, MIN_SESSION_DURATION, MAX_SESSION_DURATION))

    if external_id is not None and not EXTERNAL_ID_PATTERN.match(str(external_id)):
        raise OptionError("external_id%s is invalid: use 2 to 1224 letters, digits or the characters = , . @ : / - _"
                          % where)
    return role_arn, session_name, duration


def check_policy(policy):
    """Return the assume_role policy after checking that it is a JSON object, as STS requires."""
    policy = require_text("assume_role.policy", policy)
    fix = 'give a RAM policy document, a JSON object such as {"Version": "1", "Statement": [...]}'
    try:
        document = json.loads(policy)
    except ValueError as error:
        raise OptionError("assume_role.policy is not valid JSON (%s): %s" % (error, fix)) from None
    if not isinstance(document, dict):
        raise OptionError("assume_role.policy is a JSON %s, not an object: %s" % (type(document).__name__, fix))
    return policy


def select_source(params):
    """Pick the credential source the options ask for, check it offline, and return it.

    Raises OptionError naming the options and the fix.
    """
    base = _base_source(params)

    assume_role = params.get("assume_role")
    where = " in assume_role"
    if assume_role is None and os.environ.get(ASSUME_ROLE_ARN_ENV):
        assume_role = {"role_arn": os.environ[ASSUME_ROLE_ARN_ENV]}
        where = " from the environment variable %s" % ASSUME_ROLE_ARN_ENV

    source = AssumedRole(base, assume_role, params.get("sts_endpoint"), where) if assume_role is not None else base
    source.validate()

    # Checked even when no role is assumed, so that a malformed value that module_defaults sets for a
    # whole play fails on the first task rather than on the first one that assumes a role.
    if params.get("sts_endpoint") is not None:
        sts.parse_sts_endpoint(params["sts_endpoint"])
    return source


def _base_source(params):
    has_keys = any(params.get(name) is not None for name in ("access_key", "secret_key", "security_token"))
    if has_keys and params.get("access_key") is None:
        given = "secret_key" if params.get("secret_key") is not None else "security_token"
        raise OptionError("%s is set but access_key is missing: set access_key (or "
                          "ALIBABA_CLOUD_ACCESS_KEY_ID) to the AccessKey id that goes with it" % given)

    keys = value_origin(params.get("access_key"), ACCESS_KEY_ENV)
    profile = _strongest(value_origin(params.get("profile"), PROFILE_ENV),
                         value_origin(params.get("shared_credentials_file"), SHARED_FILE_ENV))
    ecs = value_origin(params.get("ecs_role_name"), ECS_ROLE_ENV)

    if keys == OPTION and profile == OPTION:
        profile_name = params.get("profile") or "(current)"
        profile_file = params.get("shared_credentials_file") or cli_profile.DEFAULT_CONFIG_FILE
        raise OptionError("access_key and profile are both set: use the access key %s or the profile '%s' of %s, "
                          "not both" % (mask_key_id(params.get("access_key")), profile_name, profile_file))

    # Options beat environment variables; within each, keys beat profile beats ECS role.
    candidates = [(keys, ExplicitKeys), (profile, CliProfile), (ecs, EcsRole)]
    for wanted in (OPTION, ENVIRONMENT):
        for origin, source_class in candidates:
            if origin == wanted:
                return source_class(params)
    return DefaultChain()


def _strongest(*origins):
    if OPTION in origins:
        return OPTION
    if ENVIRONMENT in origins:
        return ENVIRONMENT
    return None
