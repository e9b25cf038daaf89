"""DEBUG=sdk makes the SDK print requests with their tokens and signatures: it is hidden during calls only."""

import os
import threading

from ansible_collections.alicloud.kms.plugins.module_utils import client
from ansible_collections.alicloud.kms.plugins.module_utils.client import sdk_debug_disabled
from ansible_collections.alicloud.kms.plugins.module_utils.options import ConnectionSettings


def test_hidden_inside_restored_after(monkeypatch):
    monkeypatch.setenv("DEBUG", "sdk")

    with sdk_debug_disabled():
        inside = os.environ.get("DEBUG")

    assert inside is None
    assert os.environ["DEBUG"] == "sdk"


def test_restored_after_exception(monkeypatch):
    monkeypatch.setenv("DEBUG", "SDK")

    try:
        with sdk_debug_disabled():
            raise RuntimeError("the call failed")
    except RuntimeError:
        pass

    assert os.environ["DEBUG"] == "SDK"


def test_other_values_untouched(monkeypatch):
    monkeypatch.setenv("DEBUG", "1")

    with sdk_debug_disabled():
        inside = os.environ.get("DEBUG")

    assert inside == "1"


def test_unset_stays_unset(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)

    with sdk_debug_disabled():
        pass

    assert "DEBUG" not in os.environ


def test_nested_blocks_restore_once(monkeypatch):
    monkeypatch.setenv("DEBUG", "sdk")

    with sdk_debug_disabled():
        with sdk_debug_disabled():
            pass
        between = os.environ.get("DEBUG")

    assert between is None
    assert os.environ["DEBUG"] == "sdk"


def test_overlapping_threads(monkeypatch):
    monkeypatch.setenv("DEBUG", "sdk")
    first_inside = threading.Event()
    first_may_leave = threading.Event()
    seen = {}

    def first():
        with sdk_debug_disabled():
            first_inside.set()
            first_may_leave.wait(5)

    def second():
        first_inside.wait(5)
        with sdk_debug_disabled():
            first_may_leave.set()
            worker.join(5)
            # The first block has ended, but this one still runs: DEBUG must stay hidden.
            seen["after first left"] = os.environ.get("DEBUG")

    worker = threading.Thread(target=first)
    other = threading.Thread(target=second)
    worker.start()
    other.start()
    other.join(10)

    assert seen == {"after first left": None}
    assert os.environ["DEBUG"] == "sdk"


def test_transport_calls_without_debug(monkeypatch):
    monkeypatch.setenv("DEBUG", "sdk")
    settings = ConnectionSettings(region="cn-hangzhou", protocol="http", endpoint_host="127.0.0.1:1",
                                  validate_certs=True, ca_bundle=None, connect_timeout=1.0, read_timeout=1.0,
                                  retries=0)
    transport = client.Transport(settings)
    seen = []

    transport.call("DescribeAccountKmsStatus", lambda runtime: seen.append(os.environ.get("DEBUG")))

    assert seen == [None]
    assert os.environ["DEBUG"] == "sdk"
