"""Protocol-neutral request and response values passed between the server and the services."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass
class HttpRequest:
    """A received request.

    `path` excludes the query string. `query` maps decoded names to decoded
    values (the last one wins when a name repeats). `headers` maps lower-case
    names to every value received.
    """

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes = b""

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def form(self):
        """Return the body parameters of an `application/x-www-form-urlencoded` request."""
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded" or not self.body:
            return {}

        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self):
        """Return the body parsed as JSON, or an empty dict for an empty body."""
        if not self.body:
            return {}
        return json.loads(self.body.decode("utf-8"))


@dataclass
class HttpResponse:
    """A response to send or, with `drop` set, an instruction to reset the connection without one."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json;charset=utf-8"
    headers: dict = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def json(cls, status, document, headers=None):
        body = json.dumps(document, separators=(",", ":")).encode("utf-8")
        return cls(status=status, body=body, headers=dict(headers or {}))

    @classmethod
    def text(cls, status, text):
        return cls(status=status, body=text.encode("utf-8"), content_type="text/plain;charset=utf-8")

    @classmethod
    def dropped(cls):
        return cls(status=0, drop=True)
