import pytest

from ansible_collections.alicloud.kms.plugins.module_utils import errors


class FakeServerError(Exception):
    """Stands in for an alibabacloud_tea_openapi exception: the attributes classify_exception reads."""

    def __init__(self, code, status_code, retry_after=None, body=None):
        super().__init__(code)
        self.code = code
        self.status_code = status_code
        self.retry_after = retry_after
        self.request_id = "REQ-1"
        self.data = body if body is not None else {
            "Code": code, "Message": "server text", "RequestId": "REQ-1", "Recommend": "https://example.invalid/r"}


class FakeTransportError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.code = None
        self.inner_exception = None
        self.message = message


@pytest.mark.parametrize("code, status, kind", [
    ("Forbidden.Opened", 400, errors.ALREADY_DONE),
    ("Forbidden.Opened", 500, errors.ALREADY_DONE),
    ("Throttling", 400, errors.TRANSIENT),
    ("Throttling.User", 400, errors.TRANSIENT),
    ("Throttling.Api", 503, errors.TRANSIENT),
    ("ServiceUnavailableTemporary", 503, errors.TRANSIENT),
    ("InternalError", 500, errors.TRANSIENT),
    ("InternalFailure", 500, errors.TRANSIENT),
    ("CreateLXOrderFailed", 400, errors.TRANSIENT),
    ("SomethingNew", 502, errors.TRANSIENT),
    ("InvalidAccessKeyId.NotFound", 404, errors.CREDENTIALS),
    ("InvalidAccessKeyId.Inactive", 403, errors.CREDENTIALS),
    ("SignatureDoesNotMatch", 400, errors.CREDENTIALS),
    ("IncompleteSignature", 400, errors.CREDENTIALS),
    ("InvalidSecurityToken.Expired", 400, errors.CREDENTIALS),
    ("InvalidSecurityToken.Malformed", 400, errors.CREDENTIALS),
    ("InvalidSecurityToken.MismatchWithAccessKey", 400, errors.CREDENTIALS),
    ("InvalidCredentials", 400, errors.CREDENTIALS),
    ("InvalidTimeStamp.Expired", 400, errors.CREDENTIALS),
    ("IllegalTimestamp", 400, errors.CREDENTIALS),
    ("SignatureNonceUsed", 400, errors.CREDENTIALS),
    ("MissingSecurityToken", 400, errors.CREDENTIALS),
    ("Forbidden.RAM", 403, errors.PERMISSION),
    ("Forbidden.NoPermission", 403, errors.PERMISSION),
    ("NoPermission", 403, errors.PERMISSION),
    ("Forbidden.NoRealNameAuthentication", 400, errors.ACCOUNT),
    ("InvalidParameter", 400, errors.OTHER),
])
def test_classify_code_table(code, status, kind):
    assert errors.classify_code(code, status) == kind


def test_server_error_fields():
    error = errors.classify_exception(FakeServerError("Forbidden.RAM", 403))
    assert error.kind == errors.PERMISSION
    assert error.code == "Forbidden.RAM"
    assert error.http_status == 403
    assert error.request_id == "REQ-1"
    assert error.message == "server text"
    assert error.recommend == "https://example.invalid/r"
    assert not error.retryable


def test_retry_after_is_milliseconds():
    error = errors.classify_exception(FakeServerError("Throttling", 400, retry_after=1500))
    assert error.retryable
    assert error.retry_after == 1.5


def test_error_without_body():
    error = errors.classify_exception(FakeServerError("InternalError", 500, body=None))
    error_no_data = FakeServerError("InternalError", 500)
    error_no_data.data = None
    classified = errors.classify_exception(error_no_data)
    assert error.kind == errors.TRANSIENT
    assert classified.message == "InternalError"
    assert classified.request_id == "REQ-1"


@pytest.mark.parametrize("text, kind, reason", [
    ("HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: / (Caused by "
     "NewConnectionError(\"HTTPConnection(host='127.0.0.1', port=9): Failed to establish a new connection: "
     "[Errno 111] Connection refused\"))", errors.CONNECTION, "[Errno 111] Connection refused"),
    ("HTTPConnectionPool(host='127.0.0.1', port=1): Read timed out. (read timeout=0.5)",
     errors.CONNECTION, "Read timed out. (read timeout=0.5)"),
    ("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
     errors.CONNECTION, "the server closed the connection without a reply"),
    ("HTTPSConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: / (Caused by "
     "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
     "self-signed certificate in certificate chain (_ssl.c:1006)')))", errors.TLS,
     "certificate verify failed: self-signed certificate in certificate chain"),
    ('Failed to parse the value as json format, Value: "hello".', errors.OTHER, "Failed to parse"),
])
def test_transport_errors(text, kind, reason):
    error = errors.classify_exception(FakeTransportError(text))
    assert error.kind == kind
    assert error.code is None
    assert reason in error.message
