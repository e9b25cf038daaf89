"""The Emulator: state, the API gateway and the servers that expose them."""

import logging
import tempfile
import threading
from pathlib import Path

from . import admin
from .api import ApiGateway
from .messages import HttpRequest
from .metadata import MetadataService
from .server import Server
from .state import Account, EcsRole, Fault, Store
from .tls import ensure_certificates, server_context

logger = logging.getLogger("kms_emulator")


class Emulator:
    """A local KMS, STS and ECS metadata endpoint for tests.

    `state_dir` receives the generated CA and server certificate; a temporary
    directory is used when it is None. Certificates found there and valid for
    a week more are reused, so a test session pays for generation once.
    """

    def __init__(self, state_dir=None):
        if state_dir is None:
            self._temporary_dir = tempfile.TemporaryDirectory(prefix="kms_emulator-")
            state_dir = self._temporary_dir.name
        else:
            self._temporary_dir = None
        self.state_dir = Path(state_dir)

        self.store = Store()
        self.gateway = ApiGateway(self.store)
        self.metadata = MetadataService(self.store)
        self.ca_path = None
        self._servers = {}

    # Servers

    def start(self, http=True, https=True, metadata=True, http_port=0, https_port=0, metadata_port=0):
        """Bind the requested listeners on 127.0.0.1 (port 0 picks a free port) and serve them in threads."""
        if self._servers:
            raise RuntimeError("the emulator is already started: call stop() first")

        try:
            if http:
                self._servers["http"] = Server(self._answer, http_port, name="http")
            if https:
                ca_path, cert_path, key_path = ensure_certificates(self.state_dir)
                self.ca_path = ca_path
                self._servers["https"] = Server(self._answer, https_port, server_context(cert_path, key_path), name="https")
            if metadata:
                self._servers["metadata"] = Server(self.metadata.handle, metadata_port, name="metadata")
        except OSError:
            for server in self._servers.values():
                server.server_close()
            self._servers.clear()
            raise

        for server in self._servers.values():
            server.start()
        return self

    def stop(self):
        """Stop every listener. Safe to call twice."""
        servers = list(self._servers.values())
        self._servers.clear()

        # Each accept loop takes up to one poll interval to notice the stop,
        # so the listeners are stopped in parallel.
        threads = [threading.Thread(target=server.stop) for server in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def __enter__(self):
        return self if self._servers else self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _url(self, name, scheme):
        server = self._servers.get(name)
        return f"{scheme}://127.0.0.1:{server.port}" if server else None

    @property
    def http_url(self):
        return self._url("http", "http")

    @property
    def https_url(self):
        return self._url("https", "https")

    @property
    def metadata_url(self):
        return self._url("metadata", "http")

    @property
    def http_endpoint(self):
        """`127.0.0.1:PORT` of the HTTP listener, the form `Config.endpoint` takes."""
        return self.http_url and self.http_url.split("://", 1)[1]

    @property
    def https_endpoint(self):
        """`127.0.0.1:PORT` of the HTTPS listener, the form `Config.endpoint` and `sts_endpoint` take."""
        return self.https_url and self.https_url.split("://", 1)[1]

    def _answer(self, request: HttpRequest):
        if request.path.startswith(admin.PREFIX):
            return admin.handle(self, request)
        return self.gateway.handle(request)

    # State

    def add_account(self, account_id=None, status="NotEnabled", real_name_verified=True, denied_actions=()) -> Account:
        return self.store.add_account(account_id, status, real_name_verified, denied_actions)

    def account(self, account_id) -> Account:
        return self.store.account(account_id)

    def add_access_key(self, account_id, key_id=None, secret=None, active=True):
        """Add a permanent AccessKey pair to the account. Return (key_id, secret)."""
        return self.store.add_access_key(account_id, key_id, secret, active)

    def add_role(self, account_id, name, trusted_accounts=(), external_id=None):
        """Add a RAM role that the listed accounts may assume. Return its ARN."""
        return self.store.add_role(account_id, name, trusted_accounts, external_id).arn

    def issue_sts_token(self, account_id, duration=3600, expired=False):
        """Mint STS credentials for the account, as AssumeRole would. Return (key_id, secret, token)."""
        credential = self.store.issue_temporary_credential(account_id, duration, expired=expired)
        return credential.key_id, credential.secret, credential.token

    def set_ecs_role(self, role_name, account_id, require_token=True):
        """Attach a RAM role to the emulated ECS instance; its credentials act for `account_id`."""
        self.store.account(account_id)
        with self.store.lock:
            self.store.ecs_role = EcsRole(role_name, str(account_id), bool(require_token))

    def add_fault(self, action, code=None, http_status=400, times=1, message=None, retry_after_ms=None,
                  delay=0.0, drop=False, account_id=None, after_action=False):
        """Queue a fault for the next `times` calls of `action` ("*" for any action).

        A fault with `code` returns that error once the signature is verified.
        `delay` (seconds) and `drop` act before verification, and a dropped
        call gets its connection reset without a response. With `after_action`,
        the call is verified and carried out first, and then its response is
        delayed, dropped or replaced by the error: the client never learns
        that the call took effect.
        """
        fault = Fault(
            action=action, code=code, http_status=int(http_status), remaining=int(times), message=message,
            retry_after_ms=retry_after_ms, delay=float(delay), drop=bool(drop),
            account_id=str(account_id) if account_id is not None else None, after_action=bool(after_action),
        )
        self.store.add_fault(fault)

    def clear_faults(self):
        with self.store.lock:
            self.store.faults.clear()

    def calls(self, action=None, account_id=None):
        """Return the log of received calls, oldest first, optionally filtered."""
        return self.store.list_calls(action, account_id)

    def reset_calls(self):
        self.store.reset_calls()

    def signatures(self):
        """Return every request signature received so far (V3 hex or V1 `Signature`), to look for in client output."""
        with self.store.lock:
            return set(self.store.signatures)
