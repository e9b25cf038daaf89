"""Accounts, credentials, roles, faults and the call log, behind one lock.

Every read-modify-write of emulator state happens while `Store.lock` is held,
so concurrent requests see each change entirely or not at all.
"""

import dataclasses
import secrets
import string
import threading
import time
from dataclasses import dataclass, field

ACCOUNT_STATUSES = ("Enabled", "NotEnabled", "InDebt", "Suspended")

# Real clients and servers reject timestamps and reuse nonces within this window.
NONCE_WINDOW_SECONDS = 15 * 60

_ALNUM = string.ascii_letters + string.digits


def random_alnum(length):
    return "".join(secrets.choice(_ALNUM) for _position in range(length))


def random_digits(length):
    first = secrets.choice("123456789")
    return first + "".join(secrets.choice(string.digits) for _position in range(length - 1))


@dataclass
class Account:
    """An Alibaba Cloud account as the emulator models it.

    `denied_actions` lists RAM actions such as "kms:OpenKmsService" that every
    principal of the account is refused. `activations` counts the
    OpenKmsService calls that changed the status, whether or not their reply
    reached the client.
    """

    account_id: str
    status: str = "NotEnabled"
    real_name_verified: bool = True
    denied_actions: set = field(default_factory=set)
    activations: int = 0

    def to_dict(self):
        return {
            "account_id": self.account_id,
            "status": self.status,
            "real_name_verified": self.real_name_verified,
            "denied_actions": sorted(self.denied_actions),
            "activations": self.activations,
        }


@dataclass
class AccessKey:
    """A permanent AccessKey pair (`LTAI...`)."""

    key_id: str
    secret: str
    account_id: str
    active: bool = True


@dataclass
class TemporaryCredential:
    """An STS credential (`STS.` key id, secret and security token).

    `expiration` is a Unix time. `role_arn` is None for tokens minted directly
    through `Emulator.issue_sts_token`.
    """

    key_id: str
    secret: str
    token: str
    account_id: str
    expiration: float
    role_arn: str = None
    session_name: str = None

    @property
    def expired(self):
        return time.time() >= self.expiration


@dataclass
class Role:
    """A RAM role and its trust policy, reduced to trusted account ids and an external id."""

    account_id: str
    name: str
    role_id: str
    trusted_accounts: set = field(default_factory=set)
    external_id: str = None

    @property
    def arn(self):
        return f"acs:ram::{self.account_id}:role/{self.name.lower()}"


@dataclass
class Fault:
    """A scripted failure for the next `remaining` calls of `action`.

    `action` "*" matches every action. `account_id` None matches every account.
    With `after_action` set, the call is carried out first and only its reply
    suffers: it is delayed, dropped or replaced by the error `code`.
    """

    action: str
    code: str = None
    http_status: int = 400
    remaining: int = 1
    message: str = None
    retry_after_ms: int = None
    delay: float = 0.0
    drop: bool = False
    account_id: str = None
    after_action: bool = False

    def matches(self, action, account_id):
        if self.action not in ("*", action):
            return False

        return self.account_id is None or self.account_id == account_id

    @property
    def acts_before_authentication(self):
        return not self.after_action and (self.drop or self.delay > 0)


@dataclass
class EcsRole:
    """The RAM role attached to the emulated ECS instance."""

    role_name: str
    account_id: str
    require_token: bool = True


class Store:
    """All mutable emulator state. Hold `lock` around any compound change."""

    def __init__(self):
        self.lock = threading.RLock()
        self.accounts = {}
        self.access_keys = {}
        self.temporary_keys = {}
        self.tokens = {}
        self.roles = {}
        self.faults = []
        self.calls = []
        self.signatures = set()
        self.nonces = {}
        self.ecs_role = None
        self.metadata_tokens = {}

    def add_account(self, account_id=None, status="NotEnabled", real_name_verified=True, denied_actions=()):
        if status not in ACCOUNT_STATUSES:
            raise ValueError(f"invalid account status {status!r}: expected one of {', '.join(ACCOUNT_STATUSES)}")

        with self.lock:
            if account_id is None:
                account_id = random_digits(16)
                while account_id in self.accounts:
                    account_id = random_digits(16)
            account_id = str(account_id)
            if account_id in self.accounts:
                raise ValueError(f"account {account_id} already exists")

            account = Account(account_id, status, bool(real_name_verified), set(denied_actions))
            self.accounts[account_id] = account
            return account

    def account(self, account_id):
        with self.lock:
            try:
                return self.accounts[str(account_id)]
            except KeyError:
                raise KeyError(f"account {account_id} not found: add it with add_account() first") from None

    def add_access_key(self, account_id, key_id=None, secret=None, active=True):
        with self.lock:
            self.account(account_id)
            key_id = key_id or "LTAI" + random_alnum(20)
            secret = secret or random_alnum(30)
            if key_id in self.access_keys or key_id in self.temporary_keys:
                raise ValueError(f"access key {key_id} already exists")

            self.access_keys[key_id] = AccessKey(key_id, secret, str(account_id), bool(active))
            return key_id, secret

    def issue_temporary_credential(self, account_id, duration, role_arn=None, session_name=None, expired=False):
        with self.lock:
            self.account(account_id)
            key_id = "STS.NT" + random_alnum(26)
            secret = random_alnum(44)
            token = "CAIS" + secrets.token_urlsafe(180)
            expiration = time.time() - 1 if expired else time.time() + duration
            credential = TemporaryCredential(key_id, secret, token, str(account_id), expiration, role_arn, session_name)
            self.temporary_keys[key_id] = credential
            self.tokens[token] = credential
            return credential

    def find_key(self, key_id):
        """Return the AccessKey or TemporaryCredential with this id, or None."""
        with self.lock:
            return self.access_keys.get(key_id) or self.temporary_keys.get(key_id)

    def account_of_key(self, key_id):
        key = self.find_key(key_id) if key_id else None
        return key.account_id if key else None

    def add_role(self, account_id, name, trusted_accounts=(), external_id=None):
        with self.lock:
            self.account(account_id)
            role = Role(str(account_id), name, random_digits(19), {str(a) for a in trusted_accounts}, external_id)
            if role.arn in self.roles:
                raise ValueError(f"role {role.arn} already exists")

            self.roles[role.arn] = role
            return role

    def add_fault(self, fault):
        if fault.code is None and not fault.drop and fault.delay <= 0:
            raise ValueError("a fault needs at least one of code, drop or delay")
        if fault.remaining < 1:
            raise ValueError(f"invalid fault times {fault.remaining}: expected 1 or more")

        with self.lock:
            self.faults.append(fault)

    def take_fault(self, action, account_id, before_authentication):
        """Consume one use of the first queued fault matching the call, or return None.

        With `before_authentication` true, only a fault that drops or delays is
        taken, because a fault with only a code applies after the signature is verified.
        """
        with self.lock:
            for fault in self.faults:
                if not fault.matches(action, account_id):
                    continue
                if before_authentication and not fault.acts_before_authentication:
                    return None

                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return dataclasses.replace(fault)

            return None

    def use_nonce(self, key_id, nonce):
        """Record a signature nonce. Return False when it was used within the window."""
        now = time.time()
        with self.lock:
            if len(self.nonces) > 10000:
                self.nonces = {k: t for k, t in self.nonces.items() if now - t < NONCE_WINDOW_SECONDS}

            seen = self.nonces.get((key_id, nonce))
            if seen is not None and now - seen < NONCE_WINDOW_SECONDS:
                return False

            self.nonces[(key_id, nonce)] = now
            return True

    def record_call(self, record):
        with self.lock:
            self.calls.append(record)

    def record_signature(self, signature):
        """Remember a request signature, in memory only, so tests can look for it in client output."""
        if signature:
            with self.lock:
                self.signatures.add(signature)

    def list_calls(self, action=None, account_id=None):
        with self.lock:
            return [
                dict(record)
                for record in self.calls
                if (action is None or record["action"] == action)
                and (account_id is None or record["account_id"] == str(account_id))
            ]

    def reset_calls(self):
        with self.lock:
            self.calls.clear()
