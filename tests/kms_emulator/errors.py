"""Error responses in the shape Alibaba Cloud OpenAPI endpoints send them."""

import uuid


def new_request_id():
    """Return a request id formatted like the real ones: an upper-case UUID4."""
    return str(uuid.uuid4()).upper()


def recommend_url(code, product, request_id):
    """Return the troubleshooting link that real error bodies carry in `Recommend`.

    The emulator never fetches it; clients only display it.
    """
    return f"https://api.aliyun.com/troubleshoot?q={code}&product={product}&requestId={request_id}"


class ApiError(Exception):
    """An OpenAPI error response: HTTP status, error code and message.

    `extra` holds additional body fields, such as `AccessDeniedDetail`, and
    `headers` additional response headers, such as `x-acs-retry-after`.
    """

    def __init__(self, http_status, code, message, extra=None, headers=None):
        super().__init__(f"{http_status} {code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def to_body(self, request_id, host_id, product):
        body = {
            "RequestId": request_id,
            "HostId": host_id,
            "Code": self.code,
            "Message": self.message,
            "Recommend": recommend_url(self.code, product, request_id),
        }
        body.update(self.extra)
        return body
