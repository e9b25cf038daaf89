# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KMS API client: the SDK client built from validated settings, with retries and classified errors.

The SDK is imported only when a client is built, so that option errors are reported before the
import cost and without the SDK installed.
"""

from ansible_collections.alicloud.kms.plugins.module_utils.errors import CREDENTIALS, ApiError, classify_exception
from ansible_collections.alicloud.kms.plugins.module_utils.retry import RetryPolicy, call_with_retries


SDK_PACKAGES = "alibabacloud-kms20160120 and alibabacloud-tea-openapi"


class SdkMissing(ImportError):
    """The Alibaba Cloud SDK cannot be imported on the host that runs the module."""


class Sdk:
    """The SDK classes the client uses, imported once."""

    def __init__(self):
        from alibabacloud_credentials.exceptions import CredentialException
        from alibabacloud_kms20160120.client import Client
        from alibabacloud_tea_openapi.models import Config
        from darabonba.exceptions import RetryError
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        self.Client = Client
        self.Config = Config
        self.RuntimeOptions = RuntimeOptions
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


class KmsApi:
    """The two KMS operations the collection uses, each retried by policy and counted.

    `attempts` is the number of HTTP requests made so far; `request_id` is the last one the server sent.
    """

    def __init__(self, settings, source, sleep=None):
        self.settings = settings
        self.source = source
        self.policy = RetryPolicy(retries=settings.retries)
        self.attempts = 0
        self.request_id = None
        self._sleep = sleep
        self._sdk = import_sdk()
        self._client, self._runtime = self._build()

    def describe_account_kms_status(self):
        """Return the account's KMS status string, such as Enabled or NotEnabled."""
        body = self._call("DescribeAccountKmsStatus", self._client.describe_account_kms_status_with_options)
        return body.account_status

    def open_kms_service(self):
        """Activate KMS on the account. Raises ApiError, with kind already_done when it was active."""
        self._call("OpenKmsService", self._client.open_kms_service_with_options)

    def _build(self):
        sdk = self._sdk
        settings = self.settings

        config = sdk.Config(
            region_id=settings.region,
            protocol=settings.protocol,
            endpoint=settings.endpoint_host,
            connect_timeout=int(settings.connect_timeout * 1000),
            read_timeout=int(settings.read_timeout * 1000),
            user_agent="AnsibleCollection/alicloud.kms",
            **self.source.config_kwargs()
        )
        runtime = sdk.RuntimeOptions(
            ignore_ssl=not settings.validate_certs,
            ca=settings.ca_bundle,
            connect_timeout=int(settings.connect_timeout * 1000),
            read_timeout=int(settings.read_timeout * 1000),
            autoretry=False,
        )
        return sdk.Client(config), runtime

    def _call(self, action, method):
        def attempt():
            self.attempts += 1
            try:
                response = method(self._runtime)
            except self._sdk.CredentialException as error:
                raise ApiError(kind=CREDENTIALS, code="InvalidCredentials",
                               message="no usable credentials from %s: %s" % (self.source.describe(), error)) from None
            except self._sdk.errors as error:
                raise classify_exception(error) from None

            body = response.body
            self.request_id = getattr(body, "request_id", None) or self.request_id
            return body

        try:
            body, _ = call_with_retries(attempt, self.policy, **self._retry_hooks())
        except ApiError as error:
            error.action = action
            self.request_id = error.request_id or self.request_id
            raise
        return body

    def _retry_hooks(self):
        return {"sleep": self._sleep} if self._sleep else {}
