# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KMS API client: SDK calls made with retries and classified errors, and counted.

The SDK is imported only when a client is built, so that option errors are reported before the
import cost and without the SDK installed. Credentials are resolved on the first call, because some
sources (assume role, the ECS instance role) need the network.
"""

import os
import threading
from contextlib import contextmanager

from ansible_collections.alicloud.kms.plugins.module_utils.errors import CREDENTIALS, ApiError, classify_exception
from ansible_collections.alicloud.kms.plugins.module_utils.retry import RetryPolicy, call_with_retries


SDK_PACKAGES = "alibabacloud-kms20160120 and alibabacloud-tea-openapi"
USER_AGENT = "AnsibleCollection/alicloud.kms"


# darabonba-core 1.0.9 and Tea print every request and reply, headers included (the STS token and
# the signature), through a logger that writes to stderr when this variable is "sdk". They read it
# at each request.
SDK_DEBUG_VARIABLE = "DEBUG"
SDK_DEBUG_VALUE = "sdk"

_sdk_debug_lock = threading.Lock()
_sdk_debug_depth = 0
_sdk_debug_saved = None


@contextmanager
def sdk_debug_disabled():
    """Hide DEBUG=sdk from the SDK while the block runs, then put it back.

    The variable is removed only while at least one block is running, in any thread, so the rest of
    the process (an in-process task shares it with ansible-core) sees the user's environment.
    """
    global _sdk_debug_depth, _sdk_debug_saved

    with _sdk_debug_lock:
        if _sdk_debug_depth == 0:
            value = os.environ.get(SDK_DEBUG_VARIABLE)
            if value is not None and value.lower() == SDK_DEBUG_VALUE:
                _sdk_debug_saved = os.environ.pop(SDK_DEBUG_VARIABLE)
        _sdk_debug_depth += 1

    try:
        yield
    finally:
        with _sdk_debug_lock:
            _sdk_debug_depth -= 1
            if _sdk_debug_depth == 0 and _sdk_debug_saved is not None:
                os.environ[SDK_DEBUG_VARIABLE] = _sdk_debug_saved
                _sdk_debug_saved = None


class SdkMissing(ImportError):
    """The Alibaba Cloud SDK cannot be imported on the host that runs the module."""


class Sdk:
    """The SDK classes the collection uses, imported once."""

    def __init__(self):
        from alibabacloud_credentials.client import Client as CredentialClient
        from alibabacloud_credentials.exceptions import CredentialException
        from alibabacloud_kms20160120.client import Client
        from alibabacloud_tea_openapi.client import Client as OpenApiClient
        from alibabacloud_tea_openapi.models import Config
        from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
        from darabonba.exceptions import RetryError
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        self.Client = Client
        self.OpenApiClient = OpenApiClient
        self.Config = Config
        self.OpenApiRequest = OpenApiRequest
        self.Params = Params
        self.RuntimeOptions = RuntimeOptions
        self.CredentialClient = CredentialClient
        self.CredentialException = CredentialException
        # Every exception a call raises for a reply, a transport failure or a credential provider.
        self.errors = (TeaException, RetryError, CredentialException)


def import_sdk():
    """Import the SDK and return an Sdk. Raises SdkMissing with the install hint."""
    try:
        return Sdk()
    except ImportError as error:
        raise SdkMissing("the Python packages %s are required on the host that runs this module (%s): "
                         "install them with 'pip install -r requirements.txt' from the collection, or "
                         "'pip install alibabacloud-kms20160120'" % (SDK_PACKAGES, error)) from error


class Transport:
    """Makes SDK calls with the connection settings: TLS, timeouts, retries, counting and classification.

    `attempts` is the number of requests made so far, to every endpoint; `request_id` is the last one
    a server sent. `user_agent` is appended to the SDK's own User-Agent header.
    """

    def __init__(self, settings, sleep=None, user_agent=USER_AGENT):
        self.settings = settings
        self.user_agent = user_agent
        self.policy = RetryPolicy(retries=settings.retries)
        self.attempts = 0
        self.request_id = None
        self.sdk = import_sdk()
        self.runtime = self.sdk.RuntimeOptions(
            ignore_ssl=not settings.validate_certs,
            ca=settings.ca_bundle,
            connect_timeout=self.milliseconds(settings.connect_timeout),
            read_timeout=self.milliseconds(settings.read_timeout),
            autoretry=False,
        )
        self._sleep = sleep

    @staticmethod
    def milliseconds(seconds):
        return int(seconds * 1000)

    def config(self, protocol, endpoint, credentials):
        """Return an SDK Config for one endpoint with the given credential keyword arguments."""
        return self.sdk.Config(
            region_id=self.settings.region,
            protocol=protocol,
            endpoint=endpoint,
            connect_timeout=self.milliseconds(self.settings.connect_timeout),
            read_timeout=self.milliseconds(self.settings.read_timeout),
            user_agent=self.user_agent,
            **credentials
        )

    def call(self, action, method, describe_source=None):
        """Call `method(runtime)` with retries and return what it returns. Raises a classified ApiError.

        `describe_source` names the credentials for a credential provider's own failure.
        """
        def attempt():
            self.attempts += 1
            try:
                with sdk_debug_disabled():
                    response = method(self.runtime)
            except self.sdk.CredentialException as error:
                source = describe_source() if describe_source else "the credential provider"
                raise ApiError(kind=CREDENTIALS, code="InvalidCredentials",
                               message="no usable credentials from %s: %s" % (source, error)) from None
            except self.sdk.errors as error:
                raise classify_exception(error) from None

            self.request_id = _request_id(response) or self.request_id
            return response

        hooks = {"sleep": self._sleep} if self._sleep else {}
        try:
            response, _attempts = call_with_retries(attempt, self.policy, **hooks)
        except ApiError as error:
            error.action = error.action or action
            self.request_id = error.request_id or self.request_id
            raise
        return response


class KmsApi:
    """The two KMS operations the collection uses."""

    def __init__(self, settings, source, sleep=None, user_agent=USER_AGENT):
        self.settings = settings
        self.source = source
        self.transport = Transport(settings, sleep=sleep, user_agent=user_agent)
        self._client = None

    @property
    def attempts(self):
        return self.transport.attempts

    @property
    def request_id(self):
        return self.transport.request_id

    def describe_account_kms_status(self):
        """Return the account's KMS status string, such as Enabled or NotEnabled."""
        response = self._call("DescribeAccountKmsStatus", "describe_account_kms_status_with_options")
        return response.body.account_status

    def open_kms_service(self):
        """Activate KMS on the account. Raises ApiError, with kind already_done when it was active."""
        self._call("OpenKmsService", "open_kms_service_with_options")

    def _call(self, action, method_name):
        client = self._kms_client()
        return self.transport.call(action, getattr(client, method_name), describe_source=self.source.describe)

    def _kms_client(self):
        if self._client is None:
            credentials = self.source.resolve(self.transport)
            config = self.transport.config(self.settings.protocol, self.settings.endpoint_host, credentials)
            self._client = self.transport.sdk.Client(config)
        return self._client


def _request_id(response):
    body = getattr(response, "body", None)
    if body is not None:
        return getattr(body, "request_id", None)
    if isinstance(response, dict):
        body = response.get("body") or {}
        return body.get("RequestId")
    return None
