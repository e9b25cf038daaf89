"""The `make demo` walk-through: the example playbooks against the local KMS emulator.

It starts the emulator on 127.0.0.1 with two fresh NotEnabled accounts, activates KMS on the first,
runs the playbook again to show it is unchanged, then runs it under --check --diff on the second
account, which stays NotEnabled.

Then it runs the account_bootstrap role over the member accounts of docs/examples/accounts.yml, each
in a different state, assuming the access role into each one from a management account, and shows the
report. It exits non-zero if any step does not behave as described.
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
sys.path.insert(0, TESTS)

from kms_emulator import Emulator  # noqa: E402  (needs the tests folder on sys.path first)

BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, "docs", "examples", "activate_kms.yml")
BOOTSTRAP_PLAYBOOK = os.path.join(ROOT, "docs", "examples", "bootstrap_kms.yml")
BOOTSTRAP_INVENTORY = os.path.join(ROOT, "docs", "examples", "accounts.yml")
ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"

# The state the demo gives each member account of docs/examples/accounts.yml, and the outcome the role
# should report for it.
MEMBER_STATES = {
    "payments-prod": (dict(status="NotEnabled"), "activated"),
    "payments-staging": (dict(status="Enabled"), "already_enabled"),
    "data-lake": (dict(status="InDebt"), "unusable"),
    "sandbox-eu": (dict(status="NotEnabled", real_name_verified=False), "failed"),
}
RECAP = re.compile(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)")
HOST_RECAP = re.compile(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", re.MULTILINE)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")


def ansible_env(key_id, secret, home):
    env = {name: value for name, value in os.environ.items()
           if name not in PROXY_VARIABLES and not name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update(
        HOME=home,
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret,
        ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
    )
    return env


def run_playbook(title, endpoint, env, *flags):
    print("\n=== %s" % title)
    command = [os.path.join(BIN, "ansible-playbook"), PLAYBOOK, "-e", "kms_endpoint=%s" % endpoint, *flags]
    print("$ ansible-playbook docs/examples/activate_kms.yml -e kms_endpoint=%s %s" % (endpoint, " ".join(flags)))
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(completed.stdout.rstrip())
    if completed.returncode != 0:
        print(completed.stderr.rstrip())
        raise SystemExit("demo step failed: %s (exit code %d)" % (title, completed.returncode))

    match = RECAP.search(completed.stdout)
    return int(match.group(2)) if match else None


def run_bootstrap(title, env, variables, *flags):
    """Run docs/examples/bootstrap_kms.yml and return (exit code, {host: (changed, failed)})."""
    print("\n=== %s" % title)
    command = [os.path.join(BIN, "ansible-playbook"), "-i", BOOTSTRAP_INVENTORY, BOOTSTRAP_PLAYBOOK]
    for name, value in variables.items():
        command += ["-e", "%s=%s" % (name, value)]
    command += list(flags)
    variable_flags = ["-e %s=..." % name for name in variables]
    print("$ ansible-playbook -i docs/examples/accounts.yml docs/examples/bootstrap_kms.yml %s %s"
          % (" ".join(variable_flags), " ".join(flags)))
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(completed.stdout.rstrip())
    if completed.stderr.strip():
        print(completed.stderr.rstrip())

    recap = {host: (int(changed), int(failed)) for host, changed, failed in HOST_RECAP.findall(completed.stdout)}
    return completed.returncode, recap


def inventory_accounts():
    """Return {host: account id} from docs/examples/accounts.yml."""
    with open(BOOTSTRAP_INVENTORY, encoding="utf-8") as stream:
        inventory = yaml.safe_load(stream)
    hosts = inventory["kms_accounts"]["hosts"]
    return {host: str(variables["account_bootstrap_account_id"]) for host, variables in hosts.items()}


def expect(condition, message):
    if not condition:
        raise SystemExit("demo check failed: %s" % message)
    print("ok: %s" % message)


def main():
    with tempfile.TemporaryDirectory(prefix="kms-demo-") as workdir:
        for name in PROXY_VARIABLES:
            os.environ.pop(name, None)

        # HTTPS serves STS, which the account_bootstrap step calls to assume a role in each member account.
        emulator = Emulator(state_dir=workdir).start(http=True, https=True)
        try:
            first = emulator.add_account(status="NotEnabled")
            second = emulator.add_account(status="NotEnabled")
            first_env = ansible_env(*emulator.add_access_key(first.account_id), home=workdir)
            second_env = ansible_env(*emulator.add_access_key(second.account_id), home=workdir)
            print("KMS emulator on %s with accounts %s and %s, both NotEnabled"
                  % (emulator.http_url, first.account_id, second.account_id))

            changed = run_playbook("Activate KMS on account %s" % first.account_id, emulator.http_url, first_env)
            expect(changed == 1, "the first run activated KMS (changed=1)")
            expect(emulator.account(first.account_id).status == "Enabled", "the emulator shows the account Enabled")

            changed = run_playbook("Run it again", emulator.http_url, first_env)
            expect(changed == 0, "the second run changed nothing (changed=0)")

            changed = run_playbook("Check mode with diff on account %s" % second.account_id, emulator.http_url,
                                   second_env, "--check", "--diff")
            expect(changed == 1, "check mode reports that it would activate (changed=1)")
            expect(emulator.account(second.account_id).status == "NotEnabled", "check mode activated nothing")

            calls = [call["action"] for call in emulator.calls()]
            expect(calls.count("OpenKmsService") == 1, "exactly one OpenKmsService call reached the emulator")

            bootstrap_member_accounts(emulator, workdir)
        finally:
            emulator.stop()

    print("\nDemo finished: every step behaved as expected.")


def bootstrap_member_accounts(emulator, workdir):
    """Run the account_bootstrap role over the member accounts of docs/examples/accounts.yml."""
    emulator.reset_calls()
    management = emulator.add_account(status="Enabled")
    env = ansible_env(*emulator.add_access_key(management.account_id), home=workdir)
    accounts = inventory_accounts()
    for host, account_id in accounts.items():
        account_options = MEMBER_STATES[host][0]
        emulator.add_account(account_id=account_id, **account_options)
        emulator.add_role(account_id, ACCESS_ROLE, trusted_accounts=[management.account_id])

    print("\nManagement account %s. Member accounts, each with a %s that trusts it:"
          % (management.account_id, ACCESS_ROLE))
    for host, account_id in accounts.items():
        account = emulator.account(account_id)
        print("  %-17s %s  %s%s" % (host, account_id, account.status,
                                    "" if account.real_name_verified else ", no real-name verification"))

    report_dir = os.path.join(workdir, "report")
    variables = dict(kms_endpoint=emulator.http_url, kms_sts_endpoint=emulator.https_url,
                     kms_ca_bundle=emulator.ca_path, account_bootstrap_report_dir=report_dir)
    rc, recap = run_bootstrap("Bootstrap KMS on every member account", env, variables)

    print("\n--- %s/kms-bootstrap-report.md" % report_dir)
    with open(os.path.join(report_dir, "kms-bootstrap-report.md"), encoding="utf-8") as stream:
        print(stream.read().rstrip())
    with open(os.path.join(report_dir, "kms-bootstrap-report.json"), encoding="utf-8") as stream:
        report = json.load(stream)
    rows = {row["host"]: row for row in report["accounts"]}
    print()

    expect(rc == 2, "ansible-playbook exited 2 because two accounts failed")
    print("That exit code is intended: data-lake is InDebt and sandbox-eu has no real-name verification,"
          " so the role fails those two hosts after writing the report. A pipeline sees the non-zero exit"
          " code, and the other accounts were bootstrapped all the same.")
    for host, (_account_options, outcome) in MEMBER_STATES.items():
        expect(rows[host]["outcome"] == outcome, "the report lists %s as %s" % (host, outcome))
    expect(rows["sandbox-eu"]["error_code"] == "Forbidden.NoRealNameAuthentication",
           "the report keeps the error code of sandbox-eu")
    failed_hosts = {host for host, (_changed, failed) in recap.items() if failed}
    expect(failed_hosts == {"data-lake", "sandbox-eu"}, "only data-lake and sandbox-eu failed")
    expect(emulator.account(accounts["payments-prod"]).status == "Enabled", "payments-prod is now Enabled")
    expect(len(emulator.calls("AssumeRole")) == len(accounts), "the role assumed each account's role exactly once")

    # The owner of sandbox-eu finishes real-name verification, then only the failed accounts run again.
    with emulator.store.lock:
        emulator.account(accounts["sandbox-eu"]).real_name_verified = True
    failed = ",".join(row["host"] for row in report["accounts"] if row["outcome"] == "failed")
    rc, recap = run_bootstrap("Run again for the failed accounts only, after real-name verification", env,
                              variables, "--limit", failed)
    expect(rc == 0, "the rerun of %s succeeded" % failed)
    expect(set(recap) == {"sandbox-eu"}, "the rerun touched sandbox-eu only")
    expect(emulator.account(accounts["sandbox-eu"]).status == "Enabled", "sandbox-eu is now Enabled")


if __name__ == "__main__":
    main()
