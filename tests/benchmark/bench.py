"""Time alicloud_kms_service in-process and as a module against ansible.builtin.ping, over emulated accounts.

    .venv/bin/python tests/benchmark/bench.py [--sizes 10,100,500] [--forks 10,50] [--repeat 1]
        [--output results.json]

The emulator runs as a separate process (python -m kms_emulator), so that it does not share this
driver's interpreter. Every inventory host is one emulated account with its own key pair in host
vars, ansible_connection=local and ansible_python_interpreter={{ ansible_playbook_python }}. For each
size and fork count the script runs three playbooks over the same inventory, one after the other:
ansible.builtin.ping, alicloud_kms_service on the module path (alicloud_kms_in_process=false) and on
the default path, which is in-process. It reports each wall time and the ratios to ping, taking the
median of --repeat rounds, and the CPU time of each run as a check that does not depend on other
load. It then times one ad hoc run of each against ansible localhost -m ansible.builtin.ping, and
counts the API calls per account from the emulator's call log.

Nothing leaves 127.0.0.1: the proxy variables are cleared and the ECS metadata lookup is disabled.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
COLLECTIONS = ROOT / ".build" / "collections"
BIN = Path(sys.executable).parent

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")
PATHS = ("ping", "module", "in-process")

# The accounts the call-count scenarios use, per execution path.
SCENARIO_ACCOUNTS = 10

PLAYBOOK = """
- hosts: all
  gather_facts: false
  tasks:
    - name: {name}
      {action}:
{options}
"""

SERVICE_OPTIONS = """        access_key: "{{ kms_key }}"
        secret_key: "{{ kms_secret }}"
        endpoint: "{{ kms_endpoint }}"
"""

ASSUME_ROLE_OPTIONS = """        access_key: "{{ management_key }}"
        secret_key: "{{ management_secret }}"
        endpoint: "{{ kms_endpoint }}"
        sts_endpoint: "{{ kms_endpoint }}"
        assume_role:
          role_arn: "{{ role_arn }}"
          session_name: bench
"""


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="10,100,500", help="numbers of accounts, comma-separated")
    parser.add_argument("--forks", default="10,50", help="fork counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per size and fork count; the median is reported")
    parser.add_argument("--adhoc-repeat", type=int, default=7, help="rounds of the ad hoc comparison")
    parser.add_argument("--output", help="also write the figures to this JSON file")
    arguments = parser.parse_args(argv)
    arguments.sizes = [int(size) for size in arguments.sizes.split(",")]
    arguments.forks = [int(forks) for forks in arguments.forks.split(",")]
    return arguments


def machine():
    """Return the facts that the figures depend on: cores, CPU, memory and versions."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        memory_kib = int(handle.readline().split()[1])

    ansible_version = subprocess.run([str(BIN / "python"), "-c", "import ansible; print(ansible.__version__)"],
                                     capture_output=True, text=True, check=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "ansible_core": ansible_version,
    }


class EmulatorProcess:
    """The emulator's command line in a child process, with its admin API."""

    def __init__(self, folder, config):
        self.folder = folder
        config_path = folder / "emulator.json"
        config_path.write_text(json.dumps(config))
        self.ready_path = folder / "ready.json"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kms_emulator", "--config", str(config_path), "--ready-file", str(self.ready_path),
             "--state-dir", str(folder / "state")],
            cwd=str(TESTS), env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.ready = self._wait_until_ready()
        self.url = self.ready["http_url"]
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready_path.exists():
                return json.loads(self.ready_path.read_text())
            if self.process.poll() is not None:
                raise RuntimeError("the emulator exited with %s: %s" % (self.process.returncode, self.process.stderr.read()))
            time.sleep(0.1)
        raise RuntimeError("the emulator wrote no ready file within %d s" % timeout)

    def admin(self, method, route):
        request = urllib.request.Request(self.url + "/_emulator/" + route, method=method, data=b"" if method == "POST" else None)
        with self._opener.open(request, timeout=30) as response:
            return json.loads(response.read())

    def calls(self):
        return self.admin("GET", "calls")["calls"]

    def reset_calls(self):
        self.admin("POST", "reset-calls")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def emulator_config(size):
    """Return the emulator configuration: `size` Enabled accounts, and the accounts of each call-count scenario."""
    def account(status, roles=()):
        return {"status": status, "access_keys": [{}], "roles": list(roles)}

    accounts = [account("Enabled") for _index in range(size)]
    for _path in ("module", "in-process"):
        accounts += [account("NotEnabled") for _index in range(SCENARIO_ACCOUNTS)]
    accounts += [account("NotEnabled") for _index in range(SCENARIO_ACCOUNTS)]
    management = {"account_id": "9" * 16, "status": "Enabled", "access_keys": [{}]}
    members = [account("Enabled", roles=[{"name": "OnboardingRole", "trusted_accounts": [management["account_id"]]}])
               for _index in range(SCENARIO_ACCOUNTS)]
    return {"accounts": accounts + [management] + members}


def clean_env(extra=None):
    env = {name: value for name, value in os.environ.items()
           if name not in PROXY_VARIABLES and not name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_DEPRECATION_WARNINGS="false",
        ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
    )
    env.update(extra or {})
    return env


def write_inventory(folder, name, accounts, extra_host_vars=None):
    """Write an inventory with one local host per account, each with its own key pair, and return its path."""
    hosts = {}
    for index, account in enumerate(accounts):
        key = account["access_keys"][0]
        host_vars = {"kms_key": key["key_id"], "kms_secret": key["secret"]}
        host_vars.update((extra_host_vars or {}).get(account["account_id"], {}))
        hosts["account%04d" % index] = host_vars

    inventory = {"all": {"hosts": hosts, "vars": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
    }}}
    path = folder / ("inventory-%s.json" % name)
    path.write_text(json.dumps(inventory))
    return path


def write_playbook(folder, name, action, options=""):
    path = folder / ("playbook-%s.yml" % name)
    path.write_text(PLAYBOOK.format(name=name, action=action, options=options))
    return path


def run_timed(command, env_extra=None, expect_hosts=None):
    """Run a command, check that it succeeded on every host, and return (wall seconds, CPU seconds).

    The CPU time is that of the command and every process it waited for, so it counts the forks and
    module processes but not the emulator. Other load on the machine stretches wall time, not CPU time.
    """
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, env=clean_env(env_extra), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)

    if completed.returncode != 0:
        raise RuntimeError("%s failed with exit code %d:\n%s\n%s" % (" ".join(command[:4]), completed.returncode,
                                                                     completed.stdout[-3000:], completed.stderr[-3000:]))
    if expect_hosts is not None:
        recap_lines = [line for line in completed.stdout.splitlines() if " failed=0 " in line and " ok=" in line]
        if len(recap_lines) != expect_hosts:
            raise RuntimeError("expected %d hosts without failures, found %d:\n%s"
                               % (expect_hosts, len(recap_lines), completed.stdout[-3000:]))
    return elapsed, cpu


def playbook_command(playbook, inventory, forks, emulator, path, check=False):
    command = [str(BIN / "ansible-playbook"), str(playbook), "-i", str(inventory), "-f", str(forks),
               "-e", "kms_endpoint=%s" % emulator.url]
    if path == "module":
        command += ["-e", "alicloud_kms_in_process=false"]
    if check:
        command.append("--check")
    return command


def summarize(samples):
    """Return medians and ratios from {path: [(wall, cpu), ...]}."""
    wall = {path: statistics.median(sample[0] for sample in values) for path, values in samples.items()}
    cpu = {path: statistics.median(sample[1] for sample in values) for path, values in samples.items()}
    return {
        "seconds": wall,
        "cpu_seconds": cpu,
        "samples": samples,
        "module_to_ping": wall["module"] / wall["ping"],
        "in_process_to_ping": wall["in-process"] / wall["ping"],
        "module_to_in_process": wall["module"] / wall["in-process"],
        "cpu_in_process_to_ping": cpu["in-process"] / cpu["ping"],
        "load_average": os.getloadavg()[0],
    }


def time_playbooks(folder, emulator, sizes, fork_counts, repeat):
    """Return rows of median wall and CPU times for ping, the module path and the in-process path."""
    enabled = emulator.ready["accounts"][:max(sizes)]
    ping = write_playbook(folder, "ping", "ansible.builtin.ping")
    service = write_playbook(folder, "service", "alicloud.kms.alicloud_kms_service", SERVICE_OPTIONS)
    rows = []

    for size in sizes:
        inventory = write_inventory(folder, "enabled-%d" % size, enabled[:size])
        for forks in fork_counts:
            samples = {path: [] for path in PATHS}
            for _run in range(repeat):
                for path in PATHS:
                    playbook = ping if path == "ping" else service
                    command = playbook_command(playbook, inventory, forks, emulator, path)
                    samples[path].append(run_timed(command, expect_hosts=size))

            row = dict(accounts=size, forks=forks, **summarize(samples))
            rows.append(row)
            print_row("%4d accounts, forks %2d:" % (size, forks), row)
    return rows


def time_adhoc(emulator, repeat):
    """Return median wall times of one ad hoc run on one account: ping, the module path, and in-process."""
    key = emulator.ready["accounts"][0]["access_keys"][0]
    env_extra = {"ALIBABA_CLOUD_ACCESS_KEY_ID": key["key_id"], "ALIBABA_CLOUD_ACCESS_KEY_SECRET": key["secret"]}
    service = [str(BIN / "ansible"), "localhost", "-m", "alicloud.kms.alicloud_kms_service", "-a",
               json.dumps({"endpoint": emulator.url})]
    commands = {
        "ping": [str(BIN / "ansible"), "localhost", "-m", "ansible.builtin.ping"],
        "module": service + ["-e", "alicloud_kms_in_process=false"],
        "in-process": service,
    }

    samples = {path: [] for path in PATHS}
    for _run in range(repeat):
        for path in PATHS:
            samples[path].append(run_timed(commands[path], env_extra=env_extra))

    result = summarize(samples)
    print_row("ad hoc, one account:", result)
    return result


def count_calls(folder, emulator, size):
    """Run each call-count scenario on both paths and return the API calls per account, by action."""
    accounts = emulator.ready["accounts"]
    scenario_start = size
    not_enabled = {
        "module": accounts[scenario_start:scenario_start + SCENARIO_ACCOUNTS],
        "in-process": accounts[scenario_start + SCENARIO_ACCOUNTS:scenario_start + 2 * SCENARIO_ACCOUNTS],
    }
    checked = accounts[scenario_start + 2 * SCENARIO_ACCOUNTS:scenario_start + 3 * SCENARIO_ACCOUNTS]
    management = accounts[scenario_start + 3 * SCENARIO_ACCOUNTS]
    members = accounts[scenario_start + 3 * SCENARIO_ACCOUNTS + 1:]
    enabled = accounts[:SCENARIO_ACCOUNTS]

    service = write_playbook(folder, "service", "alicloud.kms.alicloud_kms_service", SERVICE_OPTIONS)
    assume = write_playbook(folder, "assume-role", "alicloud.kms.alicloud_kms_service", ASSUME_ROLE_OPTIONS)
    management_key = management["access_keys"][0]
    member_vars = {member["account_id"]: {"role_arn": member["roles"][0], "management_key": management_key["key_id"],
                                          "management_secret": management_key["secret"]} for member in members}
    rows = []

    for path in ("module", "in-process"):
        scenarios = [
            ("Enabled", service, write_inventory(folder, "calls-enabled", enabled), False),
            ("NotEnabled", service, write_inventory(folder, "calls-%s" % path, not_enabled[path]), False),
            ("NotEnabled, check mode", service, write_inventory(folder, "calls-check", checked), True),
            ("Enabled, assume_role", assume, write_inventory(folder, "calls-assume", members, member_vars), False),
        ]
        for name, playbook, inventory, check in scenarios:
            emulator.reset_calls()
            run_timed(playbook_command(playbook, inventory, 10, emulator, path, check=check),
                      expect_hosts=SCENARIO_ACCOUNTS)
            calls = emulator.calls()

            by_action = {}
            for call in calls:
                by_action[call["action"]] = by_action.get(call["action"], 0) + 1
            per_account = {action: count / SCENARIO_ACCOUNTS for action, count in sorted(by_action.items())}
            row = {"scenario": name, "path": path, "calls_per_account": per_account,
                   "failed_calls": sum(1 for call in calls if call["code"] != "OK")}
            rows.append(row)
            print("calls, %s, %s: %s" % (path, name, per_account), flush=True)
    return rows


def print_row(label, row):
    seconds = row["seconds"]
    print("%s ping %6.2f s, module %6.2f s (%.2f x ping), in-process %6.2f s (%.2f x ping; CPU %.2f x ping), "
          "load %.1f" % (label, seconds["ping"], seconds["module"], row["module_to_ping"], seconds["in-process"],
                         row["in_process_to_ping"], row["cpu_in_process_to_ping"], row["load_average"]), flush=True)


def main(argv=None):
    arguments = parse_arguments(argv)
    figures = {"machine": machine(), "repeat": arguments.repeat}
    print("machine: %s" % figures["machine"], flush=True)

    with tempfile.TemporaryDirectory(prefix="kms-bench-") as temporary:
        folder = Path(temporary)
        emulator = EmulatorProcess(folder, emulator_config(max(arguments.sizes)))
        try:
            figures["playbooks"] = time_playbooks(folder, emulator, arguments.sizes, arguments.forks, arguments.repeat)
            figures["adhoc"] = time_adhoc(emulator, arguments.adhoc_repeat)
            figures["calls"] = count_calls(folder, emulator, max(arguments.sizes))
        finally:
            emulator.stop()

    if arguments.output:
        Path(arguments.output).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
