"""The JSON admin API under /_emulator/, for tests that drive an emulator in another process.

Admin requests are not recorded in the call log.
"""

import json

from .messages import HttpResponse
from .state import ACCOUNT_STATUSES

PREFIX = "/_emulator/"


class AdminError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _require(document, name):
    if name not in document:
        raise AdminError(400, f"missing field {name!r} in the request body")
    return document[name]


def _only(document, allowed):
    unknown = sorted(set(document) - set(allowed))
    if unknown:
        raise AdminError(400, f"unknown fields {', '.join(unknown)}: expected some of {', '.join(sorted(allowed))}")


def _get_calls(emulator, request, _account_id):
    calls = emulator.calls(request.query.get("action"), request.query.get("account_id"))
    return {"calls": calls}


def _reset_calls(emulator, request, _account_id):
    emulator.reset_calls()
    return {"ok": True}


def _get_account(emulator, request, account_id):
    return _get_account_object(emulator, account_id).to_dict()


def _add_account(emulator, request, _account_id):
    document = request.json()
    _only(document, {"account_id", "status", "real_name_verified", "denied_actions"})
    account = emulator.add_account(
        document.get("account_id"), document.get("status", "NotEnabled"),
        document.get("real_name_verified", True), document.get("denied_actions", ()),
    )
    return account.to_dict()


def _update_account(emulator, request, account_id):
    document = request.json()
    _only(document, {"status", "real_name_verified", "denied_actions"})
    if "status" in document and document["status"] not in ACCOUNT_STATUSES:
        raise AdminError(400, f"invalid status {document['status']!r}: expected one of {', '.join(ACCOUNT_STATUSES)}")

    with emulator.store.lock:
        account = _get_account_object(emulator, account_id)
        if "status" in document:
            account.status = document["status"]
        if "real_name_verified" in document:
            account.real_name_verified = bool(document["real_name_verified"])
        if "denied_actions" in document:
            account.denied_actions = set(document["denied_actions"])
        return account.to_dict()


def _get_account_object(emulator, account_id):
    try:
        return emulator.account(account_id)
    except KeyError as error:
        raise AdminError(404, str(error.args[0])) from None


def _add_fault(emulator, request, _account_id):
    document = request.json()
    _only(document, {"action", "code", "http_status", "times", "message", "retry_after_ms", "delay", "drop", "account_id",
                     "after_action"})
    emulator.add_fault(_require(document, "action"), **{k: v for k, v in document.items() if k != "action"})
    return {"ok": True}


def _add_key(emulator, request, _account_id):
    document = request.json()
    _only(document, {"account_id", "key_id", "secret", "active"})
    key_id, secret = emulator.add_access_key(
        _require(document, "account_id"), document.get("key_id"), document.get("secret"), document.get("active", True),
    )
    return {"key_id": key_id, "secret": secret}


def _add_role(emulator, request, _account_id):
    document = request.json()
    _only(document, {"account_id", "name", "trusted_accounts", "external_id"})
    role_arn = emulator.add_role(
        _require(document, "account_id"), _require(document, "name"),
        document.get("trusted_accounts", ()), document.get("external_id"),
    )
    return {"role_arn": role_arn}


def _issue_sts_token(emulator, request, _account_id):
    document = request.json()
    _only(document, {"account_id", "duration", "expired"})
    key_id, secret, token = emulator.issue_sts_token(
        _require(document, "account_id"), int(document.get("duration", 3600)), bool(document.get("expired", False)),
    )
    return {"key_id": key_id, "secret": secret, "token": token}


def _set_ecs_role(emulator, request, _account_id):
    document = request.json()
    _only(document, {"role_name", "account_id", "require_token"})
    emulator.set_ecs_role(_require(document, "role_name"), _require(document, "account_id"), document.get("require_token", True))
    return {"ok": True}


def _clear_faults(emulator, request, _account_id):
    emulator.clear_faults()
    return {"ok": True}


def _health(emulator, request, _account_id):
    return {"ok": True}


# (method, path below PREFIX) -> handler; "accounts/" routes take the account id after the slash.
ROUTES = {
    ("GET", "health"): _health,
    ("GET", "calls"): _get_calls,
    ("POST", "reset-calls"): _reset_calls,
    ("POST", "accounts"): _add_account,
    ("POST", "faults"): _add_fault,
    ("POST", "clear-faults"): _clear_faults,
    ("POST", "keys"): _add_key,
    ("POST", "roles"): _add_role,
    ("POST", "sts-token"): _issue_sts_token,
    ("POST", "ecs-role"): _set_ecs_role,
}
ACCOUNT_ROUTES = {
    "GET": _get_account,
    "POST": _update_account,
}


def handle(emulator, request):
    route = request.path[len(PREFIX):].strip("/")
    argument = None
    handler = ROUTES.get((request.method, route))
    if handler is None and route.startswith("accounts/"):
        argument = route[len("accounts/"):]
        handler = ACCOUNT_ROUTES.get(request.method)
    if handler is None:
        return HttpResponse.json(404, {"error": f"no admin route {request.method} {request.path}"})

    try:
        return HttpResponse.json(200, handler(emulator, request, argument))
    except AdminError as error:
        return HttpResponse.json(error.status, {"error": error.message})
    except json.JSONDecodeError as error:
        return HttpResponse.json(400, {"error": f"the request body is not valid JSON: {error}"})
    except KeyError as error:
        return HttpResponse.json(404, {"error": str(error.args[0] if error.args else error)})
    except (ValueError, TypeError) as error:
        return HttpResponse.json(400, {"error": str(error)})
