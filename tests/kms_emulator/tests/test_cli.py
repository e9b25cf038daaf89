"""The command line entry point and the admin API, run in a separate process."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

from kms_emulator.pytest_plugin import PROXY_VARIABLES

from .conftest import TESTS_DIR
from .helpers import error_of

ACCOUNT_ID = "1234567890123456"
KEY_ID = "LTAIabcdefghijklmnopqrst"
SECRET = "configured-secret"

CONFIG = {
    "accounts": [
        {
            "account_id": ACCOUNT_ID,
            "status": "NotEnabled",
            "access_keys": [{"key_id": KEY_ID, "secret": SECRET}, {}],
            "roles": [{"name": "Bootstrap", "trusted_accounts": [ACCOUNT_ID]}],
        },
    ],
    "faults": [{"action": "OpenKmsService", "code": "Throttling", "http_status": 503}],
    "ecs_role": {"role_name": "EcsRole", "account_id": ACCOUNT_ID, "require_token": False},
}

# Admin requests must not go through a proxy either.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def admin(base_url, method, path, document=None):
    data = json.dumps(document).encode("utf-8") if document is not None else None
    request = urllib.request.Request(base_url + "/_emulator/" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def child_environment():
    environment = {name: value for name, value in os.environ.items() if name not in PROXY_VARIABLES}
    environment["PYTHONPATH"] = TESTS_DIR
    return environment


def run_cli(arguments):
    return subprocess.Popen(
        [sys.executable, "-m", "kms_emulator", *arguments],
        env=child_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for(path, process, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text())
        if process.poll() is not None:
            pytest.fail(f"emulator exited with {process.returncode}: {process.stderr.read()}")
        time.sleep(0.05)
    pytest.fail(f"emulator wrote no ready file {path} within {timeout} s")


@pytest.fixture
def cli(tmp_path, emulator_state_dir):
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(CONFIG))
    ready_path = tmp_path / "ready.json"
    process = run_cli(["--config", str(config_path), "--state-dir", str(emulator_state_dir), "--ready-file", str(ready_path)])
    try:
        yield wait_for(ready_path, process), process, ready_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_ready_file_contents(cli):
    ready, process, _ready_path = cli

    assert ready["pid"] == process.pid
    assert ready["http_url"].startswith("http://127.0.0.1:")
    assert ready["https_url"].startswith("https://127.0.0.1:")
    assert ready["metadata_url"].startswith("http://127.0.0.1:")
    assert os.path.exists(ready["ca_path"])
    keys = ready["accounts"][0]["access_keys"]
    assert keys[0] == {"key_id": KEY_ID, "secret": SECRET}
    assert keys[1]["key_id"].startswith("LTAI")
    assert ready["accounts"][0]["roles"] == [f"acs:ram::{ACCOUNT_ID}:role/bootstrap"]


def test_sdk_and_admin_api(cli, monkeypatch):
    ready, _process, _ready_path = cli
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    endpoint = ready["https_url"].split("://", 1)[1]
    client = KmsClient(Config(access_key_id=KEY_ID, access_key_secret=SECRET, endpoint=endpoint, protocol="https", region_id="cn-hangzhou"))
    runtime = RuntimeOptions(ca=ready["ca_path"])

    throttled = error_of(client.open_kms_service_with_options, runtime)
    client.open_kms_service_with_options(runtime)
    status, account = admin(ready["http_url"], "GET", f"accounts/{ACCOUNT_ID}")
    _status, calls = admin(ready["http_url"], "GET", "calls?action=OpenKmsService")

    assert throttled.code == "Throttling"
    assert status == 200
    assert account["status"] == "Enabled"
    assert [c["code"] for c in calls["calls"]] == ["Throttling", "OK"]


def test_admin_changes_state(cli, monkeypatch):
    ready, _process, _ready_path = cli
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    base = ready["http_url"]

    _status, account = admin(base, "POST", "accounts", {"status": "InDebt", "denied_actions": ["kms:OpenKmsService"]})
    _status, key = admin(base, "POST", "keys", {"account_id": account["account_id"]})
    _status, role = admin(base, "POST", "roles", {"account_id": account["account_id"], "name": "Auditor", "trusted_accounts": [ACCOUNT_ID]})
    _status, token = admin(base, "POST", "sts-token", {"account_id": account["account_id"], "expired": True})
    fault_status, _body = admin(base, "POST", "faults", {"action": "DescribeAccountKmsStatus", "code": "Throttling", "retry_after_ms": 200})
    _status, updated = admin(base, "POST", f"accounts/{account['account_id']}", {"status": "Suspended"})
    client = KmsClient(Config(access_key_id=key["key_id"], access_key_secret=key["secret"],
                              endpoint=base.split("://", 1)[1], protocol="http"))
    throttled = error_of(client.describe_account_kms_status)
    described = client.describe_account_kms_status().body.account_status
    _status, calls = admin(base, "GET", f"calls?account_id={account['account_id']}")
    reset_status, _body = admin(base, "POST", "reset-calls")
    _status, after_reset = admin(base, "GET", "calls")

    assert len(account["account_id"]) == 16
    assert account["status"] == "InDebt"
    assert key["key_id"].startswith("LTAI")
    assert role["role_arn"] == f"acs:ram::{account['account_id']}:role/auditor"
    assert token["key_id"].startswith("STS.")
    assert fault_status == 200
    assert updated["status"] == "Suspended"
    assert throttled.code == "Throttling"
    assert throttled.retry_after == 200
    assert described == "Suspended"
    assert len(calls["calls"]) == 2
    assert reset_status == 200
    assert after_reset["calls"] == []


def test_admin_rejects_bad_requests(cli, monkeypatch):
    ready, _process, _ready_path = cli
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    base = ready["http_url"]

    assert admin(base, "GET", "accounts/999")[0] == 404
    assert admin(base, "POST", "accounts", {"status": "Sleeping"})[0] == 400
    assert admin(base, "POST", "faults", {"code": "Throttling"})[0] == 400
    assert admin(base, "POST", "faults", {"action": "X", "colour": "red"})[0] == 400
    assert admin(base, "GET", "nothing-here")[0] == 404


def test_sigterm_stops_and_removes_ready_file(cli):
    _ready, process, ready_path = cli

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)

    assert process.returncode == 0
    assert not ready_path.exists()


def test_invalid_config_exits_2(tmp_path):
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps({"accounts": [{"account_id": "1", "colour": "red"}]}))

    process = run_cli(["--config", str(config_path)])
    _stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 2
    assert "accounts[0] has unknown fields colour" in stderr


def test_missing_config_exits_2(tmp_path):
    process = run_cli(["--config", str(tmp_path / "absent.json")])
    _stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 2
    assert "cannot read configuration file" in stderr
