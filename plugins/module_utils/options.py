# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module of the collection shares, and their offline validation.

`connection_argument_spec()` is the argument spec documented by the doc fragment
alicloud.kms.connection. `connection_settings(params)` checks the non-credential options and returns
them as plain data; credential options are checked by the credentials module.
"""

import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback


DEFAULT_REGION = "cn-hangzhou"
MAX_RETRIES = 20
MAX_CONNECT_TIMEOUT = 300
MAX_READ_TIMEOUT = 3600

# Region ids such as cn-hangzhou, ap-southeast-1, cn-north-2-gov-1 or eu-central-1.
REGION_PATTERN = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)+$")

# A DNS name or an IPv4 address, with an optional port; the SDK signs this value as the Host header.
HOST_PATTERN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")


# Every certificate in a PEM bundle starts with this line.
PEM_CERTIFICATE_MARKER = b"-----BEGIN CERTIFICATE-----"


class OptionError(ValueError):
    """An option value that is invalid before any request is sent. The message names the option and the fix."""


def connection_argument_spec():
    """Return the argument spec shared by every module, as a new dict the caller may extend."""
    return dict(
        access_key=dict(
            type="str",
            no_log=False,
            aliases=["access_key_id"],
            fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"]),
        ),
        secret_key=dict(
            type="str",
            no_log=True,
            aliases=["access_key_secret"],
            fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"]),
        ),
        security_token=dict(
            type="str",
            no_log=True,
            fallback=(env_fallback, ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"]),
        ),
        region=dict(
            type="str",
            aliases=["region_id"],
            fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"]),
        ),
        endpoint=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
        ca_bundle=dict(type="path"),
        connect_timeout=dict(type="float", default=5.0),
        read_timeout=dict(type="float", default=10.0),
        retries=dict(type="int", default=5),
        profile=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"])),
        shared_credentials_file=dict(type="path", fallback=(env_fallback, ["ALICLOUD_SHARED_CREDENTIALS_FILE"])),
        ecs_role_name=dict(type="str", fallback=(env_fallback, ["ALICLOUD_ECS_ROLE_NAME"])),
        assume_role=dict(
            type="dict",
            options=dict(
                role_arn=dict(type="str", required=True),
                session_name=dict(type="str"),
                session_duration=dict(type="int", default=3600),
                policy=dict(type="json"),
                external_id=dict(type="str", no_log=False),
            ),
        ),
        sts_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_STS_ENDPOINT"])),
    )


@dataclass(frozen=True)
class ConnectionSettings:
    """Validated, credential-free connection options. Timeouts are in seconds."""

    region: str
    protocol: str
    endpoint_host: Optional[str]
    validate_certs: bool
    ca_bundle: Optional[str]
    connect_timeout: float
    read_timeout: float
    retries: int

    @property
    def endpoint_url(self):
        """Return the URL calls go to, for messages."""
        host = self.endpoint_host or "kms.%s.aliyuncs.com" % self.region
        return "%s://%s" % (self.protocol, host)


def connection_settings(params, default_region=None):
    """Check the connection options in `params` and return ConnectionSettings. Raises OptionError.

    `default_region` is used when the region option is not set (for example a CLI profile's region).
    """
    region = _region(params.get("region"), default_region)
    protocol, endpoint_host = parse_endpoint(params.get("endpoint"))

    connect_timeout = _bounded_number("connect_timeout", params.get("connect_timeout"), MAX_CONNECT_TIMEOUT)
    read_timeout = _bounded_number("read_timeout", params.get("read_timeout"), MAX_READ_TIMEOUT)
    retries = _retries(params.get("retries"))

    validate_certs = params.get("validate_certs", True)
    ca_bundle = check_ca_bundle(params.get("ca_bundle"))

    return ConnectionSettings(
        region=region,
        protocol=protocol,
        endpoint_host=endpoint_host,
        validate_certs=validate_certs if validate_certs is not None else True,
        ca_bundle=ca_bundle,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries=retries,
    )


def require_text(name, value, shown=None):
    """Return `value` as text, or raise OptionError when it is empty, only white space, or padded with it.

    `shown` replaces the value in the message, for values that may only be shown masked.
    """
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        raise OptionError("%s is empty: set it to a value or leave the option out" % name)
    if text != text.strip():
        raise OptionError("%s %s has leading or trailing white space: remove it"
                          % (name, shown if shown is not None else repr(text)))
    return text


def check_credential_text(name, value, shown):
    """Raise OptionError unless a credential value contains only printable ASCII characters without spaces.

    Key ids, secrets and STS tokens never contain anything else. Any other character would reach an
    HTTP header, where the HTTP library rejects it with a message that repeats the whole header.
    `shown` names the value in the message: a masked key id, or words, never the secret itself.
    """
    for position, character in enumerate(str(value), start=1):
        if not "!" <= character <= "~":
            raise OptionError("%s %s contains %s at character %d: remove it, because credentials contain only "
                              "ASCII letters, digits and punctuation"
                              % (name, shown, _character_name(character), position))


def _character_name(character):
    names = {" ": "a space", "\n": "a line break", "\r": "a carriage return", "\t": "a tab"}
    return names.get(character, "the character U+%04X" % ord(character))


def parse_endpoint(value):
    """Split the endpoint option into (protocol, host[:port]); None means the SDK derives it from the region."""
    return parse_url("endpoint", value)


def parse_url(option, value, example="https://kms.cn-hangzhou.aliyuncs.com"):
    """Split an endpoint-like option into (protocol, host[:port]).

    A URL gives its scheme; a bare host means https. None gives ("https", None).
    """
    if value is None:
        return "https", None
    text = require_text(option, value)

    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise OptionError("%s %r is not a valid URL: use a form such as %s or http://127.0.0.1:8080"
                          % (option, value, example)) from None

    if parts.scheme not in ("http", "https"):
        raise OptionError("%s %r has the scheme %r: use http:// or https://" % (option, value, parts.scheme))
    if not parts.hostname:
        raise OptionError("%s %r has no host: use a form such as %s" % (option, value, example))
    if parts.username is not None or parts.password is not None:
        raise OptionError("%s %r contains user information: remove it and pass credentials through the "
                          "credential options" % (option, value))
    if parts.path not in ("", "/"):
        raise OptionError("%s %r has the path %r: the API is served at /, give only the scheme, host and port"
                          % (option, value, parts.path))
    if parts.query or parts.fragment:
        raise OptionError("%s %r has a query or fragment: give only the scheme, host and port" % (option, value))

    host = _endpoint_host(option, value, parts.hostname)
    if port == 0:
        raise OptionError("%s %r has the port 0: give a port from 1 to 65535, or none for the scheme's default"
                          % (option, value))
    if port is not None:
        host = "%s:%d" % (host, port)
    return parts.scheme, host


def _endpoint_host(option, value, hostname):
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        address = None
    if address is not None:
        return "[%s]" % hostname if address.version == 6 else hostname

    if not HOST_PATTERN.match(hostname):
        raise OptionError("%s %r has an invalid host name %r: use a DNS name or an IP address"
                          % (option, value, hostname))
    return hostname


def check_ca_bundle(value):
    """Return the CA bundle path after checking that it is a readable file with a PEM certificate in it."""
    if value is None:
        return None
    path = require_text("ca_bundle", value)
    fix = "give the path of a PEM file of trusted CA certificates"

    if os.path.isdir(path):
        raise OptionError("ca_bundle %r is a directory: %s" % (path, fix))
    if not os.path.isfile(path):
        raise OptionError("ca_bundle %r does not exist or is not a regular file: %s" % (path, fix))
    try:
        with open(path, "rb") as stream:
            content = stream.read()
    except OSError as error:
        raise OptionError("ca_bundle %r cannot be read by this user (%s): fix its permissions or %s"
                          % (path, error.strerror, fix)) from None

    if PEM_CERTIFICATE_MARKER not in content:
        raise OptionError("ca_bundle %r contains no PEM certificate (no line %s): %s"
                          % (path, PEM_CERTIFICATE_MARKER.decode(), fix))
    return path


def _region(value, default_region):
    if value is None and default_region:
        if not REGION_PATTERN.match(str(default_region)):
            raise OptionError("the credential profile's region_id %r is not a valid region id: fix it in the "
                              "profile, or set region to an id such as cn-hangzhou" % default_region)
        return default_region
    if value is None:
        return DEFAULT_REGION
    region = require_text("region", value)
    if not REGION_PATTERN.match(region):
        raise OptionError("region %r is not a valid region id: use an id such as cn-hangzhou or "
                          "ap-southeast-1" % value)
    return region


def _bounded_number(name, value, maximum):
    if value is None:
        raise OptionError("%s is missing: give a number of seconds" % name)
    if not 0 < value <= maximum:
        raise OptionError("%s %s is out of range: give a number of seconds above 0 and at most %d"
                          % (name, value, maximum))
    return float(value)


def _retries(value):
    if value is None:
        raise OptionError("retries is missing: give a whole number from 0 to %d" % MAX_RETRIES)
    if not 0 <= value <= MAX_RETRIES:
        raise OptionError("retries %s is out of range: give a whole number from 0 to %d" % (value, MAX_RETRIES))
    return value
