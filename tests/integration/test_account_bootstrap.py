"""The account_bootstrap role end to end: ansible-playbook over emulated member accounts, one host each.

The management account's keys come from the environment. With them, the role assumes the Resource
Directory access role into each member account through the emulator's STS over HTTPS.
"""

import json
import re

ROLE_NAME = "ResourceDirectoryAccountAccessRole"
REPORT_JSON = "kms-bootstrap-report.json"
REPORT_MD = "kms-bootstrap-report.md"

PLAYBOOK = """
- name: Bootstrap KMS on member accounts
  hosts: all
  gather_facts: false
  module_defaults:
    group/alicloud.kms.alicloud:
      endpoint: {endpoint}
      sts_endpoint: {sts_endpoint}
      ca_bundle: {ca_bundle}
  roles:
    - role: alicloud.kms.account_bootstrap
"""


class Organisation:
    """A management account with keys, and member accounts whose access role trusts it."""

    def __init__(self, ansible, emulator, management_status="Enabled"):
        self.ansible = ansible
        self.emulator = emulator
        self.management = ansible.new_account(management_status)
        self.members = {}

    def add_member(self, host, status="NotEnabled", trusted=True, **account_options):
        account = self.emulator.add_account(status=status, **account_options)
        trusted_accounts = [self.management.account_id] if trusted else []
        self.emulator.add_role(account.account_id, ROLE_NAME, trusted_accounts=trusted_accounts)
        self.members[host] = account.account_id
        return account.account_id

    def playbook(self):
        return PLAYBOOK.format(endpoint=self.emulator.http_url, sts_endpoint=self.emulator.https_url,
                               ca_bundle=self.emulator.ca_path)

    def inventory(self, host_vars=None):
        """Return an inventory with one local host per member, plus `host_vars` ({host: variables})."""
        hosts = {host: {"account_bootstrap_account_id": account_id} for host, account_id in self.members.items()}
        hosts.update(host_vars or {})
        return json.dumps({"all": {
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "hosts": hosts,
        }})

    def run(self, report_dir, check=False, host_vars=None):
        """Run the role over the inventory. `report_dir` None leaves account_bootstrap_report_dir unset."""
        variables = {"account_bootstrap_report_dir": str(report_dir)} if report_dir else None
        return self.ansible.playbook(self.playbook(), keys=self.management, inventory=self.inventory(host_vars),
                                     extra_vars=variables, check=check)


def six_members(ansible, emulator):
    """The six member accounts of the main scenario. `enabled` comes first, so it writes the report."""
    organisation = Organisation(ansible, emulator)
    organisation.add_member("enabled", "Enabled")
    organisation.add_member("not-enabled")
    organisation.add_member("no-real-name", real_name_verified=False)
    organisation.add_member("in-debt", "InDebt")
    organisation.add_member("untrusted", trusted=False)
    throttled = organisation.add_member("throttled")
    emulator.add_fault("DescribeAccountKmsStatus", code="Throttling.User", http_status=400, times=2,
                       account_id=throttled)
    return organisation


def read_report(ansible, report_dir):
    """Return the JSON report and the Markdown report, after checking both for secrets and tokens."""
    text = (report_dir / REPORT_JSON).read_text()
    markdown = (report_dir / REPORT_MD).read_text()
    ansible.assert_no_secrets(text)
    ansible.assert_no_secrets(markdown)
    return json.loads(text), markdown


def rows_by_host(report):
    return {row["host"]: row for row in report["accounts"]}


def assume_role_keys(emulator, account_id):
    """Return the ids of the STS keys that made KMS calls on the account, each with the role it came from."""
    keys = {}
    for call in emulator.calls(account_id=account_id):
        if call["service"] == "kms":
            keys[call["key_id"]] = emulator.store.find_key(call["key_id"]).role_arn
    return keys


def test_report_lists_every_account(ansible, emulator, tmp_path):
    organisation = six_members(ansible, emulator)
    members = organisation.members

    run = organisation.run(tmp_path / "report")

    assert run.rc == 2, run.output
    report, markdown = read_report(ansible, tmp_path / "report")
    rows = rows_by_host(report)
    assert sorted(rows) == sorted(members)

    assert rows["enabled"]["outcome"] == "already_enabled"
    assert rows["enabled"]["account_status"] == "Enabled"
    assert rows["enabled"]["message"] is None

    assert rows["not-enabled"]["outcome"] == "activated"
    assert rows["not-enabled"]["account_status"] == "Enabled"
    assert rows["not-enabled"]["error_code"] is None

    assert rows["no-real-name"]["outcome"] == "failed"
    assert rows["no-real-name"]["account_status"] is None
    assert rows["no-real-name"]["error_code"] == "Forbidden.NoRealNameAuthentication"
    assert "real-name verification" in rows["no-real-name"]["message"]

    assert rows["in-debt"]["outcome"] == "unusable"
    assert rows["in-debt"]["account_status"] == "InDebt"
    assert "InDebt" in rows["in-debt"]["message"]

    assert rows["untrusted"]["outcome"] == "failed"
    assert rows["untrusted"]["error_code"] == "NoPermission"
    assert "trust policy" in rows["untrusted"]["message"]
    masked_key = "%s...%s" % (organisation.management.key_id[:4], organisation.management.key_id[-4:])
    assert masked_key in rows["untrusted"]["message"]

    assert rows["throttled"]["outcome"] == "activated"
    # AssumeRole, two throttled reads, the read that succeeds, and OpenKmsService.
    assert rows["throttled"]["attempts"] == 5

    for host, account_id in members.items():
        assert rows[host]["account_id"] == account_id
        assert rows[host]["request_id"]

    assert report["counts"] == {"activated": 2, "already_enabled": 1, "would_activate": 0, "unusable": 1, "failed": 2}
    assert report["check_mode"] is False
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", report["generated_at"])
    assert organisation.management.key_id not in json.dumps(report) + markdown

    for host in members:
        assert "| %s | %s | %s |" % (host, members[host], rows[host]["outcome"]) in markdown

    for host in ("no-real-name", "in-debt", "untrusted"):
        assert run.recap(host)["failed"] == 1, host
    for host in ("enabled", "not-enabled", "throttled"):
        assert run.recap(host)["failed"] == 0, host
    assert run.recap("enabled")["changed"] == 0

    assert emulator.account(members["not-enabled"]).status == "Enabled"
    assert emulator.account(members["throttled"]).status == "Enabled"
    assert emulator.account(members["no-real-name"]).status == "NotEnabled"
    throttled_codes = [call["code"] for call in emulator.calls("DescribeAccountKmsStatus", members["throttled"])]
    assert throttled_codes == ["Throttling.User", "Throttling.User", "OK"]

    assert_one_assume_role_per_account(emulator, organisation)


def assert_one_assume_role_per_account(emulator, organisation):
    """Check that each member cost one AssumeRole, and that all its KMS calls used the key that call returned."""
    assume_roles = emulator.calls("AssumeRole")
    assert len(assume_roles) == len(organisation.members)
    assert {call["account_id"] for call in assume_roles} == {organisation.management.account_id}
    assert [call["code"] for call in assume_roles].count("NoPermission") == 1

    for host, account_id in organisation.members.items():
        keys = assume_role_keys(emulator, account_id)
        if host == "untrusted":
            assert keys == {}
            continue
        assert len(keys) == 1, host
        assert list(keys.values()) == ["acs:ram::%s:role/%s" % (account_id, ROLE_NAME.lower())], host


def test_second_run_changes_nothing(automatic_ansible, emulator, tmp_path):
    organisation = six_members(automatic_ansible, emulator)
    organisation.run(report_dir=None)

    # Without account_bootstrap_report_dir the report lands beside the playbook, which the fixture
    # writes to tmp_path.
    second = organisation.run(report_dir=None)

    assert second.rc == 2, second.output
    for host in organisation.members:
        assert second.recap(host)["changed"] == 0, host
    rows = rows_by_host(read_report(automatic_ansible, tmp_path)[0])
    assert rows["not-enabled"]["outcome"] == "already_enabled"
    assert rows["throttled"]["outcome"] == "already_enabled"
    # The second run calls OpenKmsService only on the account that still lacks real-name verification.
    opened = [call["account_id"] for call in emulator.calls("OpenKmsService") if call["code"] == "OK"]
    assert sorted(opened) == sorted([organisation.members["not-enabled"], organisation.members["throttled"]])


def test_check_mode_activates_nothing(automatic_ansible, emulator, tmp_path):
    organisation = six_members(automatic_ansible, emulator)

    # The report folder does not exist yet: the role creates it, in check mode too.
    report_dir = tmp_path / "reports" / "check"
    run = organisation.run(report_dir, check=True)

    assert run.rc == 2, run.output
    report, markdown = read_report(automatic_ansible, report_dir)
    rows = rows_by_host(report)
    assert report["check_mode"] is True
    assert "in check mode" in markdown
    # Real-name verification is checked only by OpenKmsService, which check mode never calls.
    for host in ("not-enabled", "throttled", "no-real-name"):
        assert rows[host]["outcome"] == "would_activate", host
        assert rows[host]["account_status"] == "Enabled", host
    assert rows["enabled"]["outcome"] == "already_enabled"
    assert rows["in-debt"]["outcome"] == "unusable"
    assert rows["untrusted"]["outcome"] == "failed"
    assert report["counts"]["would_activate"] == 3

    assert emulator.calls("OpenKmsService") == []
    for account_id in organisation.members.values():
        assert emulator.account(account_id).status in ("Enabled", "NotEnabled", "InDebt")
    assert emulator.account(organisation.members["not-enabled"]).status == "NotEnabled"
    assert run.recap("enabled")["changed"] == 0
    assert run.recap("not-enabled")["changed"] == 1


INVALID_HOSTS = {
    "no-account": ({}, "account_bootstrap_connection are all missing"),
    "bad-account-id": ({"account_bootstrap_account_id": "12ab"}, "account_bootstrap_account_id '12ab'"),
    "bad-role-name": ({"account_bootstrap_account_id": "1234567890123456", "account_bootstrap_role_name": "no spaces"},
                      "account_bootstrap_role_name 'no spaces'"),
    "bad-role-arn": ({"account_bootstrap_role_arn": "arn:aws:iam::1:role/x"}, "account_bootstrap_role_arn 'arn:aws"),
    "other-account-arn": ({"account_bootstrap_account_id": "1234567890123456",
                           "account_bootstrap_role_arn": "acs:ram::6543210987654321:role/Admin"},
                          "belongs to account 6543210987654321, but account_bootstrap_account_id is 1234567890123456"),
    "bad-session-name": ({"account_bootstrap_account_id": "1234567890123456", "account_bootstrap_session_name": "a b"},
                         "account_bootstrap_session_name 'a b'"),
    "short-session": ({"account_bootstrap_account_id": "1234567890123456", "account_bootstrap_session_duration": 60},
                      "account_bootstrap_session_duration 60 is out of range"),
    "unsupported-key": ({"account_bootstrap_connection": {"access_key_id": "x", "assume_role": {}}},
                        "account_bootstrap_connection has unsupported keys access_key_id, assume_role"),
}


def test_invalid_variables_send_nothing(automatic_ansible, emulator, tmp_path):
    organisation = Organisation(automatic_ansible, emulator)
    valid = organisation.add_member("valid")
    host_vars = {host: variables for host, (variables, _message) in INVALID_HOSTS.items()}
    # A value of the wrong type fails the argument validation before any task of the role runs.
    host_vars["not-a-dict"] = {"account_bootstrap_connection": ["endpoint"]}

    run = organisation.run(tmp_path, host_vars=host_vars)

    assert run.rc == 2, run.output
    rows = rows_by_host(read_report(automatic_ansible, tmp_path)[0])
    for host, (_variables, message) in INVALID_HOSTS.items():
        assert rows[host]["outcome"] == "failed", host
        assert message in rows[host]["message"], host
        assert rows[host]["attempts"] == 0, host
        assert run.recap(host)["failed"] == 1, host
    assert "argument 'account_bootstrap_connection' is of type list" in run.output
    assert rows["not-a-dict"]["outcome"] == "failed"
    assert "no outcome was recorded" in rows["not-a-dict"]["message"]
    assert rows["valid"]["outcome"] == "activated"

    assert len(emulator.calls("AssumeRole")) == 1
    assert {call["account_id"] for call in emulator.calls() if call["service"] == "kms"} == {valid}


def test_connection_options_without_assume_role(automatic_ansible, emulator, tmp_path):
    organisation = Organisation(automatic_ansible, emulator, management_status="NotEnabled")
    own_keys = automatic_ansible.new_account("NotEnabled")
    organisation.add_member("in-debt", "InDebt")
    host_vars = {
        # The endpoint and CA bundle still come from the play's module_defaults.
        "own-keys": {"account_bootstrap_connection": {"access_key": own_keys.key_id, "secret_key": own_keys.secret,
                                                      "retries": 0}},
        "management": {"account_bootstrap_connection": {}},
        "in-debt": {"account_bootstrap_account_id": organisation.members["in-debt"],
                    "account_bootstrap_require_usable": False},
    }

    run = organisation.run(tmp_path, host_vars=host_vars)

    assert run.rc == 0, run.output
    rows = rows_by_host(read_report(automatic_ansible, tmp_path)[0])
    assert rows["own-keys"]["outcome"] == "activated"
    assert rows["own-keys"]["account_id"] is None
    assert rows["management"]["outcome"] == "activated"
    assert rows["in-debt"]["outcome"] == "unusable"
    assert run.recap("in-debt")["failed"] == 0

    assert emulator.account(own_keys.account_id).status == "Enabled"
    assert emulator.account(organisation.management.account_id).status == "Enabled"
    assert len(emulator.calls("AssumeRole")) == 1
    assert {call["key_id"] for call in emulator.calls(account_id=own_keys.account_id)} == {own_keys.key_id}


def test_report_masks_key_ids(automatic_ansible, emulator, tmp_path):
    organisation = Organisation(automatic_ansible, emulator)
    account_id = organisation.add_member("echo")
    # A server message that quotes an AccessKey id in full, which the module passes on as it is.
    leaked_key_id = "LTAI5tQ2bX9wYfK7mNpR3sVz"
    emulator.add_fault("DescribeAccountKmsStatus", code="InvalidParameter", http_status=400, account_id=account_id,
                       message="The AccessKey %s is not valid for this call." % leaked_key_id)

    organisation.run(tmp_path)

    report, markdown = read_report(automatic_ansible, tmp_path)
    message = rows_by_host(report)["echo"]["message"]
    assert "The AccessKey LTAI...3sVz is not valid" in message
    assert leaked_key_id not in json.dumps(report) + markdown
