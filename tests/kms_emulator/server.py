"""Threaded HTTP/1.1 servers (plain and TLS) that hand requests to an application callable.

An application takes a `messages.HttpRequest` and returns a `messages.HttpResponse`.
"""

import email.utils
import logging
import socket
import struct
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .messages import HttpRequest, HttpResponse

logger = logging.getLogger("kms_emulator")

# Seconds an idle keep-alive connection stays open.
IDLE_TIMEOUT = 60

# Seconds between checks for a stop request in the accept loop; it bounds how long stop() waits.
POLL_INTERVAL = 0.05


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kms_emulator"
    sys_version = ""
    timeout = IDLE_TIMEOUT

    def setup(self):
        super().setup()
        if self.server.tls_context is not None:
            self.connection.do_handshake()

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _read_request(self):
        # A client that uses this server as an HTTP proxy sends an absolute URI.
        target = urlsplit(self.path)
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)

        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        return HttpRequest(
            method=self.command,
            path=target.path or "/",
            query=dict(parse_qsl(target.query, keep_blank_values=True)),
            headers=headers,
            body=body,
        )

    def _serve(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._write(HttpResponse.json(411, {
                "Code": "MissingContentLength",
                "Message": "Send the body with a Content-Length header: chunked requests are not supported.",
            }))
            self.close_connection = True
            return

        request = self._read_request()
        try:
            response = self.server.app(request)
        except Exception:
            logger.exception("unhandled error answering %s %s", self.command, self.path)
            response = HttpResponse.json(500, {"Code": "InternalError", "Message": "The emulator failed to answer this request; see its log."})

        if response.drop:
            self._reset_connection()
            return

        self._write(response)

    def _reset_connection(self):
        # SO_LINGER with a zero timeout makes close() send a TCP RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.server.skip_shutdown(self.connection)

    def _write(self, response):
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"

        lines = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Date: {email.utils.formatdate(usegmt=True)}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
        ]
        lines.extend(f"{name}: {value}" for name, value in response.headers.items())
        if self.close_connection:
            lines.append("Connection: close")
        else:
            lines.append("Connection: keep-alive")

        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        payload = head if self.command == "HEAD" else head + response.body

        # One write per response: with headers and body in separate segments,
        # Nagle's algorithm and delayed ACKs could stall the body.
        self.wfile.write(payload)
        self.log_request(response.status, len(response.body))

    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)


class Server(ThreadingHTTPServer):
    """A ThreadingHTTPServer bound to 127.0.0.1 that sets TCP_NODELAY and optionally speaks TLS."""

    daemon_threads = True

    def __init__(self, app, port=0, tls_context=None, name="server"):
        self.app = app
        self.tls_context = tls_context
        self.name = name
        self._connections = set()
        self._no_shutdown = set()
        self._connections_lock = threading.Lock()
        self._thread = None
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self):
        return self.server_address[1]

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls_context is not None:
            # The handshake runs in the connection's own thread (the handler's
            # setup), so a slow client cannot block the accept loop.
            connection = self.tls_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)

        with self._connections_lock:
            self._connections.add(connection)
        return connection, address

    def skip_shutdown(self, connection):
        """Close `connection` without a FIN first, so its SO_LINGER reset takes effect."""
        with self._connections_lock:
            self._no_shutdown.add(connection)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
            reset = request in self._no_shutdown
            self._no_shutdown.discard(request)

        if reset:
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def handle_error(self, request, client_address):
        logger.debug("connection from %s to %s failed", client_address, self.name, exc_info=True)

    def start(self):
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": POLL_INTERVAL},
            name=f"kms_emulator-{self.name}", daemon=True,
        )
        self._thread.start()
        logger.info("%s listening on 127.0.0.1:%d", self.name, self.port)

    def stop(self):
        """Stop accepting, close the listening socket and every open keep-alive connection."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        logger.info("%s on 127.0.0.1:%d stopped", self.name, self.port)
