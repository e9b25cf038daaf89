"""The OpenAPI gateway: routes a request to KMS or STS, applies faults, authenticates and logs it."""

import logging
import time
from types import SimpleNamespace

from . import kms, sts
from .auth import Authenticator, read_call_context
from .errors import ApiError, new_request_id
from .messages import HttpResponse
from .state import Fault

logger = logging.getLogger("kms_emulator")

# Services by API version, since KMS and STS share one endpoint here.
SERVICES = {
    kms.API_VERSION: SimpleNamespace(name="kms", product=kms.PRODUCT, actions=kms.ACTIONS, permission_error=kms.permission_error),
    sts.API_VERSION: SimpleNamespace(name="sts", product=sts.PRODUCT, actions=sts.ACTIONS, permission_error=sts.permission_error),
}

DEFAULT_FAULT_MESSAGES = {
    "Throttling": "Request was denied due to request throttling.",
    "Throttling.User": "Request was denied due to user flow control.",
    "Throttling.Api": "Request was denied due to api flow control.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "ServiceUnavailableTemporary": "The request has failed due to a temporary failure of the server.",
    "InternalError": "The request processing has failed due to some unknown error, exception or failure.",
    "InternalFailure": "The request processing has failed due to some unknown error, exception or failure.",
    "CreateLXOrderFailed": "Create order failed.",
}


def fault_error(fault: Fault):
    message = fault.message or DEFAULT_FAULT_MESSAGES.get(fault.code, f"Injected fault {fault.code}.")
    headers = {}
    if fault.retry_after_ms is not None:
        headers["x-acs-retry-after"] = str(int(fault.retry_after_ms))
    return ApiError(fault.http_status, fault.code, message, headers=headers)


class ApiGateway:
    """Serves KMS and STS OpenAPI calls from the state in a Store."""

    def __init__(self, store):
        self.store = store
        self.authenticator = Authenticator(store)

    def handle(self, request):
        request_id = new_request_id()
        context = read_call_context(request)
        context.account_id = self.store.account_of_key(context.key_id)
        self.store.record_signature(context.signature)
        service = SERVICES.get(context.api_version)
        record = {
            "time": time.time(),
            "service": service.name if service else None,
            "action": context.action,
            "key_id": context.key_id,
            "account_id": context.account_id,
            "code": "OK",
            "http_status": 200,
            "signature_version": context.signature_version,
            "token_presented": bool(context.token),
            "request_id": request_id,
            "user_agent": request.header("user-agent"),
        }

        try:
            response = self._answer(request, context, service, request_id)
        except ApiError as error:
            record["code"] = error.code
            record["http_status"] = error.http_status
            product = service.product if service else "Kms"
            headers = {"x-acs-request-id": request_id, **error.headers}
            response = HttpResponse.json(error.http_status, error.to_body(request_id, context.host, product), headers)

        if response.drop:
            record["code"] = "ConnectionReset"
            record["http_status"] = None

        self.store.record_call(record)
        logger.debug("%s %s key=%s account=%s -> %s %s", record["service"], context.action, context.key_id,
                     context.account_id, record["http_status"], record["code"])
        return response

    def _answer(self, request, context, service, request_id):
        if service is None:
            raise ApiError(400, "InvalidVersion", f"Specified parameter Version {context.api_version!r} is not valid.")

        handler = service.actions.get(context.action)
        if handler is None:
            raise ApiError(400, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")

        fault = self.store.take_fault(context.action, context.account_id, before_authentication=True)
        if fault is not None:
            if fault.delay > 0:
                time.sleep(fault.delay)
            if fault.drop:
                return HttpResponse.dropped()

        identity = self.authenticator.authenticate(request, context)

        if fault is None:
            fault = self.store.take_fault(context.action, identity.account_id, before_authentication=False)
        if fault is not None and fault.code and not fault.after_action:
            raise fault_error(fault)

        with self.store.lock:
            denied = f"{service.name}:{context.action}" in self.store.account(identity.account_id).denied_actions
        if denied:
            raise service.permission_error(context.action, identity)

        body = {"RequestId": request_id}
        body.update(handler(self.store, identity, context.params))
        response = HttpResponse.json(200, body, {"x-acs-request-id": request_id})
        if fault is not None and fault.after_action:
            return self._spoil_reply(fault, response)
        return response

    @staticmethod
    def _spoil_reply(fault, response):
        """Return the reply to a call that was carried out, late, dropped, or replaced by the fault's error."""
        if fault.delay > 0:
            time.sleep(fault.delay)
        if fault.drop:
            return HttpResponse.dropped()
        if fault.code:
            raise fault_error(fault)
        return response
