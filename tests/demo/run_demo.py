"""The `make demo` walk-through: the example playbook against the local KMS emulator.

It starts the emulator on 127.0.0.1 with two fresh NotEnabled accounts, activates KMS on the first,
runs the playbook again to show it is unchanged, then runs it under --check --diff on the second
account, which stays NotEnabled. It exits non-zero if any step does not behave that way.
"""

import os
import re
import subprocess
import sys
import tempfile

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
sys.path.insert(0, TESTS)

from kms_emulator import Emulator  # noqa: E402  (needs the tests folder on sys.path first)

BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, "docs", "examples", "activate_kms.yml")
RECAP = re.compile(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)")
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


def expect(condition, message):
    if not condition:
        raise SystemExit("demo check failed: %s" % message)
    print("ok: %s" % message)


def main():
    with tempfile.TemporaryDirectory(prefix="kms-demo-") as workdir:
        for name in PROXY_VARIABLES:
            os.environ.pop(name, None)

        emulator = Emulator(state_dir=workdir).start(http=True, https=False)
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
        finally:
            emulator.stop()

    print("\nDemo finished: every step behaved as expected.")


if __name__ == "__main__":
    main()
