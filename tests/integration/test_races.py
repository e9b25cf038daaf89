"""Concurrent runs on one NotEnabled account: all succeed, one reports the change, one activation happens.

A delay on OpenKmsService keeps each activation request in flight for a while. That widens the window
between a run's probe and its activation, so runs that overlap in it all find the account NotEnabled
and race to activate it, as overlapping onboarding pipelines do. How many runs reach OpenKmsService
depends on how fast the processes start, and the checks hold for any number of them.
"""

import threading

MODULE = "alicloud_kms_service"
CONCURRENT_RUNS = 5
INVENTORY_HOSTS = 5
OPEN_DELAY = 3.0


def test_concurrent_ad_hoc_runs(ansible, emulator, tmp_path):
    keys = ansible.new_account("NotEnabled")
    emulator.add_fault("OpenKmsService", delay=OPEN_DELAY, times=CONCURRENT_RUNS, account_id=keys.account_id)
    runners = []
    for number in range(CONCURRENT_RUNS):
        folder = tmp_path / ("run-%d" % number)
        folder.mkdir()
        runner = type(ansible)(folder, emulator, path=ansible.path)
        runner.secrets.update(ansible.secrets)
        runners.append(runner)
    start = threading.Barrier(CONCURRENT_RUNS)
    runs = [None] * CONCURRENT_RUNS

    def run_one(number):
        start.wait()
        runs[number] = runners[number].module(MODULE, keys=keys)

    threads = [threading.Thread(target=run_one, args=(number,)) for number in range(CONCURRENT_RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    opens = emulator.calls(action="OpenKmsService", account_id=keys.account_id)
    assert all(run is not None and run.rc == 0 for run in runs), [run and run.output for run in runs]
    assert sum(run.result["changed"] for run in runs) == 1
    assert all(run.result["account_status"] == "Enabled" for run in runs)
    assert emulator.account(keys.account_id).activations == 1
    assert [call["code"] for call in opens].count("OK") == 1
    assert all(call["code"] in ("OK", "Forbidden.Opened") for call in opens)


def test_forks_over_one_account(ansible, emulator):
    keys = ansible.new_account("NotEnabled")
    emulator.add_fault("OpenKmsService", delay=OPEN_DELAY, times=INVENTORY_HOSTS, account_id=keys.account_id)
    hosts = "\n".join("    same-account-%d:" % number for number in range(INVENTORY_HOSTS))
    inventory = """
accounts:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  hosts:
%s
""" % hosts
    playbook = """
- hosts: accounts
  gather_facts: false
  tasks:
    - name: Activate KMS on the account every host stands for
      alicloud.kms.alicloud_kms_service:
        endpoint: "{{ kms_endpoint }}"
"""

    run = ansible.playbook(playbook, keys=keys, inventory=inventory, extra_vars={"kms_endpoint": emulator.http_url},
                           env={"ANSIBLE_FORKS": str(INVENTORY_HOSTS)})

    recaps = [run.recap("same-account-%d" % number) for number in range(INVENTORY_HOSTS)]
    assert run.rc == 0, run.output
    assert sum(recap["changed"] for recap in recaps) == 1
    assert all(recap["failed"] == 0 for recap in recaps)
    assert emulator.account(keys.account_id).activations == 1
    assert [call["code"] for call in emulator.calls(action="OpenKmsService")].count("OK") == 1
