import pytest

from ansible_collections.alicloud.kms.plugins.module_utils import errors
from ansible_collections.alicloud.kms.plugins.module_utils.errors import ApiError
from ansible_collections.alicloud.kms.plugins.module_utils.runner import run
from ansible_collections.alicloud.kms.plugins.module_utils.service import ensure_kms_service

SECRET = "s3cr3t-value-that-must-not-leak"


def params(**overrides):
    base = dict(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, security_token=None, region=None,
                endpoint="http://127.0.0.1:1", validate_certs=True, ca_bundle=None, connect_timeout=5.0,
                read_timeout=10.0, retries=0)
    base.update(overrides)
    return base


class FakeApi:
    def __init__(self, settings, source, error=None, statuses=("NotEnabled",)):
        self.settings = settings
        self.source = source
        self.attempts = 0
        self.request_id = None
        self.error = error
        self.statuses = list(statuses)

    def describe_account_kms_status(self):
        self.attempts += 1
        self.request_id = "REQ-%d" % self.attempts
        if self.error:
            raise self.error
        return self.statuses.pop(0)

    def open_kms_service(self):
        self.attempts += 1
        self.request_id = "REQ-%d" % self.attempts


def factory(**kwargs):
    return lambda settings, source: FakeApi(settings, source, **kwargs)


def test_success_result():
    result = run(ensure_kms_service, params(), api_factory=factory())
    assert result["changed"] is True
    assert result["account_status"] == "Enabled"
    assert result["attempts"] == 2
    assert result["request_id"] == "REQ-2"
    assert result["diff"] == {"before": {"account_status": "NotEnabled"}, "after": {"account_status": "Enabled"}}


def test_option_error_before_any_call():
    def no_api(settings, source):
        raise AssertionError("no client may be built for invalid options")
    result = run(ensure_kms_service, params(region="Hangzhou"), api_factory=no_api)
    assert result["failed"] is True
    assert "region 'Hangzhou'" in result["msg"]


@pytest.mark.parametrize("kind, code, status, fragments", [
    (errors.CREDENTIALS, "InvalidAccessKeyId.NotFound", 404, ["access key LTAI...f3e9 from the access_key option",
                                                              "check access_key and secret_key"]),
    (errors.CREDENTIALS, "InvalidTimeStamp.Expired", 400, ["correct the clock"]),
    (errors.PERMISSION, "Forbidden.RAM", 403, ["The access key LTAI...f3e9", "kms:DescribeAccountKmsStatus"]),
    (errors.ACCOUNT, "Forbidden.NoRealNameAuthentication", 400, ["real-name verification"]),
    (errors.TRANSIENT, "Throttling", 400, ["after 1 attempt over", "raise retries"]),
    (errors.CONNECTION, None, None, ["to http://127.0.0.1:1 failed after 1 attempt", "Check the endpoint"]),
    (errors.TLS, None, None, ["Set ca_bundle"]),
    (errors.OTHER, "InvalidParameter", 400, ["failed (InvalidParameter) HTTP 400"]),
])
def test_failure_messages(kind, code, status, fragments):
    error = ApiError(kind=kind, message="server text", code=code, http_status=status, request_id="REQ-X",
                     recommend="https://example.invalid/r" if code else None, action="DescribeAccountKmsStatus")
    result = run(ensure_kms_service, params(), api_factory=factory(error=error))
    assert result["failed"] is True
    assert result["error_code"] == code
    assert result["http_status"] == status
    assert result["request_id"] == "REQ-X"
    for fragment in fragments:
        assert fragment in result["msg"]
    assert SECRET not in repr(result)
