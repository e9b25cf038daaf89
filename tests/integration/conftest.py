"""Run the real `ansible` and `ansible-playbook` commands against the KMS emulator.

Every run is scanned for the secrets and tokens the test created or the emulator issued, and for every
request signature the emulator received: a test fails the moment one of them shows up in any output, at
any verbosity. The scan covers stdout and stderr, the task result `module()` reads, the ANSIBLE_LOG_PATH
file when the run sets one, and the account_bootstrap role's report files anywhere under the test's folder.

The `ansible` fixture runs each test twice, once on each execution path: in-process on the controller
(the default for localhost) and as an ordinary module (forced with alicloud_kms_in_process=false). Every
run checks, from the User-Agent the emulator recorded, that its API calls came from the expected path.
"""

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest

pytest_plugins = ["kms_emulator.pytest_plugin"]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
BIN = os.path.dirname(sys.executable)

# Variables removed from every run, so that the machine's own settings cannot reach a test.
SCRUBBED_PREFIXES = ("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_")
SCRUBBED_NAMES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
                  "NO_PROXY", "no_proxy", "DEBUG")

IN_PROCESS = "in-process"
MODULE = "module"

# The collection's User-Agent, and the marker the in-process path adds to it.
COLLECTION_AGENT = "AnsibleCollection/alicloud.kms"
IN_PROCESS_AGENT = COLLECTION_AGENT + " (in-process)"

# Files the account_bootstrap role writes on the controller, scanned after every run.
REPORT_FILES = ("kms-bootstrap-report.json", "kms-bootstrap-report.md")

RECAP = re.compile(r"^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+"
                   r"failed=(?P<failed>\d+)", re.MULTILINE)


@dataclass
class Keys:
    """An emulated account and an AccessKey pair of it."""

    account_id: str
    key_id: str
    secret: str
    token: Optional[str] = None

    def env(self):
        env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": self.key_id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.secret}
        if self.token:
            env["ALIBABA_CLOUD_SECURITY_TOKEN"] = self.token
        return env


@dataclass
class Run:
    """One finished ansible command."""

    rc: int
    stdout: str
    stderr: str
    result: dict = field(default_factory=dict)
    # The execution paths the run's API calls came from, IN_PROCESS and/or MODULE.
    paths: set = field(default_factory=set)

    @property
    def output(self):
        return self.stdout + self.stderr

    def recap(self, host="localhost"):
        for match in RECAP.finditer(self.stdout):
            if match.group("host") == host:
                return {name: int(match.group(name)) for name in ("ok", "changed", "failed")}
        raise AssertionError("no PLAY RECAP line for %s in:\n%s" % (host, self.output))


class Ansible:
    """Runs ansible commands with a clean environment pointed at the emulator.

    `path` is IN_PROCESS or MODULE to run every command on that path and check that its calls came
    from it, or None to leave the choice to the action plugin.
    """

    def __init__(self, tmp_path, emulator, path=None):
        self.tmp_path = tmp_path
        self.emulator = emulator
        self.path = path
        self.secrets = set()
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.runs = 0

    def new_account(self, status="NotEnabled", **account_options):
        account = self.emulator.add_account(status=status, **account_options)
        key_id, secret = self.emulator.add_access_key(account.account_id)
        self.secrets.add(secret)
        return Keys(account.account_id, key_id, secret)

    def sts_keys(self, account_id, **token_options):
        key_id, secret, token = self.emulator.issue_sts_token(account_id, **token_options)
        self.secrets.update((secret, token))
        return Keys(account_id, key_id, secret, token)

    def base_env(self, extra=None):
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(SCRUBBED_PREFIXES) and name not in SCRUBBED_NAMES}
        env.update(
            HOME=str(self.home),
            PATH=BIN + os.pathsep + env.get("PATH", ""),
            ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_RETRY_FILES_ENABLED="false",
            # The default credential chain must never reach the instance metadata address.
            ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
        )
        env.update(extra or {})
        # A None value in `extra` removes the variable, for tests of an environment without it.
        return {name: value for name, value in env.items() if value is not None}

    def module(self, name, args=None, keys=None, env=None, check=False, diff=False, verbosity=0,
               endpoint=True):
        """Run `ansible localhost -m alicloud.kms.NAME` and return a Run with the task's result."""
        args = dict(args or {})
        if endpoint and "endpoint" not in args:
            args["endpoint"] = self.emulator.http_url
        tree = self.tmp_path / ("tree-%d" % self.runs)

        command = [os.path.join(BIN, "ansible"), "localhost", "-m", "alicloud.kms.%s" % name,
                   "-a", json.dumps(args), "-t", str(tree)]
        command += self._flags(check, diff, verbosity)
        run = self._run(command, keys, env)

        result_file = tree / "localhost"
        if result_file.exists():
            result_text = result_file.read_text()
            self.assert_no_secrets(result_text)
            run.result = json.loads(result_text)
        return run

    def playbook(self, text, keys=None, env=None, check=False, diff=False, verbosity=0, inventory=None,
                 extra_vars=None):
        """Write `text` to a playbook file, run ansible-playbook on it, and return a Run."""
        path = self.tmp_path / ("playbook-%d.yml" % self.runs)
        path.write_text(text)

        command = [os.path.join(BIN, "ansible-playbook"), str(path)]
        if inventory:
            inventory_path = self.tmp_path / ("inventory-%d.yml" % self.runs)
            inventory_path.write_text(inventory)
            command += ["-i", str(inventory_path)]
        if extra_vars:
            vars_path = self.tmp_path / ("vars-%d.json" % self.runs)
            vars_path.write_text(json.dumps(extra_vars))
            command += ["-e", "@%s" % vars_path]
        command += self._flags(check, diff, verbosity)
        return self._run(command, keys, env)

    def _flags(self, check, diff, verbosity):
        flags = []
        if check:
            flags.append("--check")
        if diff:
            flags.append("--diff")
        if verbosity:
            flags.append("-" + "v" * verbosity)
        return flags

    def _run(self, command, keys, env):
        self.runs += 1
        extra = dict(keys.env()) if keys else {}
        extra.update(env or {})
        if self.path == MODULE:
            command = command + ["-e", "alicloud_kms_in_process=false"]

        started = time.time()
        completed = subprocess.run(command, env=self.base_env(extra), cwd=str(self.tmp_path),
                                   capture_output=True, text=True, timeout=300, check=False)
        run = Run(completed.returncode, completed.stdout, completed.stderr)
        run.paths = self.paths_since(started)

        self.assert_no_secrets(run.output)
        self.assert_files_have_no_secrets(extra.get("ANSIBLE_LOG_PATH"))
        if self.path is not None:
            assert run.paths <= {self.path}, "expected calls from the %s path only, got %s" % (self.path, run.paths)
        return run

    def paths_since(self, started):
        """Return the execution paths of the collection's API calls the emulator received since `started`."""
        paths = set()
        for call in self.emulator.calls():
            agent = call.get("user_agent") or ""
            if call["time"] >= started and COLLECTION_AGENT in agent:
                paths.add(IN_PROCESS if agent.endswith(IN_PROCESS_AGENT) else MODULE)
        return paths

    def known_secrets(self):
        """Return the secrets the test created and every secret and token the emulator issued."""
        store = self.emulator.store
        with store.lock:
            issued = {key.secret for key in store.access_keys.values()}
            for credential in store.temporary_keys.values():
                issued.update((credential.secret, credential.token))
        return self.secrets | issued

    def leak_markers(self):
        """Return every value no output may contain: secrets, tokens, metadata session tokens and signatures."""
        store = self.emulator.store
        with store.lock:
            session_tokens = set(store.metadata_tokens)
        return self.known_secrets() | session_tokens | self.emulator.signatures()

    def assert_no_secrets(self, text):
        leaked = [secret for secret in self.leak_markers() if secret and secret in text]
        assert not leaked, "a secret, token or signature appeared in the output:\n%s" % text

    def assert_files_have_no_secrets(self, log_path=None):
        """Scan the files a run wrote besides its output: the ANSIBLE_LOG_PATH file and bootstrap reports."""
        paths = [path for name in REPORT_FILES for path in self.tmp_path.rglob(name)]
        if log_path:
            paths.append(Path(log_path))
        for path in paths:
            if path.is_file():
                self.assert_no_secrets(path.read_text(errors="replace"))


@pytest.fixture(params=[IN_PROCESS, MODULE])
def ansible(request, tmp_path, emulator):
    """Ansible on one execution path; each test that uses it runs once per path."""
    return Ansible(tmp_path, emulator, path=request.param)


@pytest.fixture
def automatic_ansible(tmp_path, emulator):
    """Ansible that leaves the choice of execution path to the action plugin."""
    return Ansible(tmp_path, emulator)


@pytest.fixture
def ansible_on(tmp_path, emulator):
    """A factory of Ansible runners on a given path, IN_PROCESS or MODULE, for tests that compare the two."""
    def make(path):
        folder = tmp_path / path
        folder.mkdir()
        return Ansible(folder, emulator, path=path)

    return make
