"""pytest fixtures that run an Emulator on 127.0.0.1.

Load with `pytest_plugins = ["kms_emulator.pytest_plugin"]`, with the `tests/`
folder on sys.path. Both fixtures clear the proxy variables, because the SDK
sends even 127.0.0.1 traffic through HTTP_PROXY/HTTPS_PROXY and NO_PROXY does
not exempt loopback.
"""

import pytest

from .emulator import Emulator

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture(scope="session")
def emulator_state_dir(tmp_path_factory):
    """Folder for the emulator's certificates, shared by the whole session so they are generated once."""
    return tmp_path_factory.mktemp("kms_emulator_state")


@pytest.fixture(scope="session")
def _emulator_session_proxy_cleared():
    with pytest.MonkeyPatch.context() as patch:
        for name in PROXY_VARIABLES:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture
def emulator(emulator_state_dir, monkeypatch):
    """A started Emulator (HTTP, HTTPS and metadata listeners) with no accounts, stopped after the test."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    instance = Emulator(state_dir=emulator_state_dir).start(http=True, https=True)
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="session")
def emulator_session(emulator_state_dir, _emulator_session_proxy_cleared):
    """A started Emulator shared by the whole session; tests add their own accounts to it."""
    instance = Emulator(state_dir=emulator_state_dir).start(http=True, https=True)
    try:
        yield instance
    finally:
        instance.stop()
