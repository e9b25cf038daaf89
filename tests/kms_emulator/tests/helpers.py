"""Clients built the way the collection builds them: the real SDK with explicit keys."""

import pytest
from alibabacloud_kms20160120.client import Client
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions


def kms_client(emulator, key_id, secret, token=None, protocol="http", signature_algorithm=None, read_timeout=None):
    endpoint = emulator.https_endpoint if protocol == "https" else emulator.http_endpoint
    config = Config(
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=token,
        endpoint=endpoint,
        protocol=protocol,
        region_id="cn-hangzhou",
        signature_algorithm=signature_algorithm,
        read_timeout=read_timeout,
    )
    return Client(config)


def runtime(emulator, **options):
    options.setdefault("ca", emulator.ca_path)
    return RuntimeOptions(**options)


def describe(client, emulator, **options):
    return client.describe_account_kms_status_with_options(runtime(emulator, **options)).body


def open_service(client, emulator, **options):
    return client.open_kms_service_with_options(runtime(emulator, **options)).body


def error_of(call, *args, **kwargs):
    """Run `call` and return the exception it raised; fail when it returns."""
    with pytest.raises(Exception) as raised:
        call(*args, **kwargs)
    return raised.value


def new_account(emulator, **account_options):
    """Add an account with one active key. Return (account, key_id, secret)."""
    account = emulator.add_account(**account_options)
    key_id, secret = emulator.add_access_key(account.account_id)
    return account, key_id, secret


def assume_role_call(emulator, key_id, secret, query, token=None, signature_algorithm=None, in_body=False):
    """Call STS AssumeRole through tea-openapi's generic client. Return the response body.

    With `in_body`, the parameters travel as a form body instead of the query.
    """
    from alibabacloud_tea_openapi.client import Client as OpenApiClient
    from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params

    client = OpenApiClient(Config(
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=token,
        endpoint=emulator.http_endpoint,
        protocol="http",
        signature_algorithm=signature_algorithm,
    ))
    params = Params(action="AssumeRole", version="2015-04-01", protocol="HTTPS", pathname="/", method="POST",
                    auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    request = OpenApiRequest(body=query) if in_body else OpenApiRequest(query=query)
    return client.call_api(params, request, RuntimeOptions())["body"]
