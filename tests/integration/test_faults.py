"""Scripted faults against a NotEnabled account: what is retried, how long it waits, and when it stops.

Every scenario checks the outcome and the number of requests. It also checks the emulator's count of
activations: exactly one when the run should activate the account, none when it should fail before
that. The count includes each OpenKmsService whose reply the client never saw.
"""

import socket
from dataclasses import dataclass, field
from typing import Optional, Tuple

import pytest

MODULE = "alicloud_kms_service"
LOST_REPLY_WARNING = "The reply to an OpenKmsService attempt was lost"

# Slack allowed on top of a computed wait, for process scheduling on a busy test machine.
TIMING_SLACK = 1.0


def fault(action, **options):
    return dict(action=action, **options)


@dataclass
class Scenario:
    """Faults queued before one run, the run's arguments, and what it must end with.

    `attempts` counts every request the run made (DescribeAccountKmsStatus and OpenKmsService).
    `activations` is how many times the emulator changed the account to Enabled. `gaps` checks the
    time between consecutive calls of `gap_action`: (minimum, maximum) seconds for each gap in turn.
    """

    id: str
    faults: list
    succeeds: bool
    attempts: int
    args: dict = field(default_factory=dict)
    changed: Optional[bool] = None
    activations: int = 1
    fragments: Tuple[str, ...] = ()
    lost_reply: bool = False
    gap_action: str = "OpenKmsService"
    gaps: Tuple[Tuple[float, float], ...] = ()
    closed_endpoint: bool = False


SCENARIOS = [
    # Throttling, with and without x-acs-retry-after, on either call
    Scenario("throttling-describe", [fault("DescribeAccountKmsStatus", code="Throttling", times=2)],
             succeeds=True, changed=True, attempts=4, args={"retries": 3}, gap_action="DescribeAccountKmsStatus",
             gaps=((0.0, 0.5), (0.0, 1.0))),
    Scenario("throttling-user-open", [fault("OpenKmsService", code="Throttling.User", times=2)],
             succeeds=True, changed=True, attempts=4, args={"retries": 3}, gaps=((0.0, 0.5), (0.0, 1.0))),
    Scenario("throttling-api-503-open", [fault("OpenKmsService", code="Throttling.Api", http_status=503)],
             succeeds=True, changed=True, attempts=3, args={"retries": 3}),
    Scenario("throttling-retry-after-open",
             [fault("OpenKmsService", code="Throttling", retry_after_ms=300, times=2)],
             succeeds=True, changed=True, attempts=4, args={"retries": 3}, gaps=((0.3, 0.3), (0.3, 0.3))),
    Scenario("throttling-retry-after-503",
             [fault("DescribeAccountKmsStatus", code="Throttling.Api", http_status=503, retry_after_ms=400)],
             succeeds=True, changed=True, attempts=3, args={"retries": 1}, gap_action="DescribeAccountKmsStatus",
             gaps=((0.4, 0.4),)),

    # Server errors and failed orders
    Scenario("unavailable-503-describe", [fault("DescribeAccountKmsStatus", code="ServiceUnavailable",
                                                http_status=503, times=2)],
             succeeds=True, changed=True, attempts=4, args={"retries": 3}),
    Scenario("internal-error-500-open", [fault("OpenKmsService", code="InternalError", http_status=500)],
             succeeds=True, changed=True, attempts=3, args={"retries": 3}),
    Scenario("create-order-failed", [fault("OpenKmsService", code="CreateLXOrderFailed", times=2)],
             succeeds=True, changed=True, attempts=4, args={"retries": 3}),

    # Timeouts, refused and dropped connections, before the server acted
    Scenario("read-timeout-describe", [fault("DescribeAccountKmsStatus", delay=1.5)],
             succeeds=True, changed=True, attempts=3, args={"retries": 2, "read_timeout": 0.5}),
    Scenario("dropped-describe", [fault("DescribeAccountKmsStatus", drop=True)],
             succeeds=True, changed=True, attempts=3, args={"retries": 2}),
    Scenario("dropped-open", [fault("OpenKmsService", drop=True)],
             succeeds=True, changed=True, attempts=3, args={"retries": 2}),
    Scenario("connection-refused", [], succeeds=False, attempts=2, activations=0, args={"retries": 1},
             closed_endpoint=True, fragments=("Connection refused", "after 2 attempts over")),

    # The server acted, then the reply was lost: the retry finds the account Enabled
    Scenario("lost-reply-dropped", [fault("OpenKmsService", drop=True, after_action=True)],
             succeeds=True, changed=True, attempts=4, args={"retries": 2}, lost_reply=True),
    Scenario("lost-reply-timeout", [fault("OpenKmsService", delay=1.5, after_action=True)],
             succeeds=True, changed=True, attempts=4, args={"retries": 2, "read_timeout": 0.5}, lost_reply=True),
    Scenario("lost-reply-500", [fault("OpenKmsService", code="InternalError", http_status=500, after_action=True)],
             succeeds=True, changed=True, attempts=4, args={"retries": 2}, lost_reply=True),
    Scenario("lost-reply-then-throttled", [fault("OpenKmsService", drop=True, after_action=True),
                                           fault("OpenKmsService", code="Throttling")],
             succeeds=True, changed=True, attempts=5, args={"retries": 3}, lost_reply=True),
    Scenario("lost-reply-then-budget", [fault("OpenKmsService", drop=True, after_action=True),
                                        fault("OpenKmsService", code="ServiceUnavailable", http_status=503, times=5)],
             succeeds=False, attempts=3, args={"retries": 1},
             fragments=("after 2 attempts over", "KMS may have been activated all the same")),

    # Several faults in a row on one call
    Scenario("mixed-open", [fault("OpenKmsService", code="Throttling"), fault("OpenKmsService", drop=True),
                            fault("OpenKmsService", code="InternalError", http_status=500)],
             succeeds=True, changed=True, attempts=5, args={"retries": 3}),

    # Not retried: the clock is wrong, and another attempt would fail the same way
    Scenario("clock-skew-expired", [fault("DescribeAccountKmsStatus", code="InvalidTimeStamp.Expired")],
             succeeds=False, attempts=1, activations=0,
             fragments=("(InvalidTimeStamp.Expired)", "correct the clock of the host that runs the module")),
    Scenario("clock-skew-illegal", [fault("OpenKmsService", code="IllegalTimestamp")],
             succeeds=False, attempts=2, activations=0,
             fragments=("(IllegalTimestamp)", "correct the clock of the host that runs the module")),

    # The two budgets
    Scenario("attempt-budget", [fault("DescribeAccountKmsStatus", code="Throttling.Api", http_status=503, times=10)],
             succeeds=False, attempts=3, activations=0, args={"retries": 2},
             fragments=("after 3 attempts over", "(Throttling.Api)", "raise retries")),
    Scenario("time-budget", [fault("DescribeAccountKmsStatus", code="Throttling", retry_after_ms=70000)],
             succeeds=False, attempts=1, activations=0, args={"retries": 5},
             fragments=("after 1 attempt over", "the server asked to wait 70.0 s (x-acs-retry-after)",
                        "the 60 s time limit for retries", "run again later")),
]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.id for scenario in SCENARIOS])
def test_fault_scenario(automatic_ansible, emulator, scenario):
    keys = automatic_ansible.new_account("NotEnabled")
    for options in scenario.faults:
        emulator.add_fault(account_id=keys.account_id, **options)
    args = dict(scenario.args)
    if scenario.closed_endpoint:
        args["endpoint"] = "http://127.0.0.1:%d" % closed_port()

    run = automatic_ansible.module(MODULE, keys=keys, args=args)

    account = emulator.account(keys.account_id)
    opens = emulator.calls(action="OpenKmsService", account_id=keys.account_id)
    assert (run.rc == 0) is scenario.succeeds, run.output
    assert run.result["attempts"] == scenario.attempts, run.output
    assert account.activations == scenario.activations
    assert len(opens) <= args.get("retries", 5) + 1
    if scenario.changed is not None:
        assert run.result["changed"] is scenario.changed
    if scenario.succeeds:
        assert run.result["account_status"] == "Enabled"
    for fragment in scenario.fragments:
        assert fragment in run.result["msg"]
    assert (LOST_REPLY_WARNING in run.output) is scenario.lost_reply
    assert "Traceback" not in run.output
    check_gaps(emulator.calls(action=scenario.gap_action, account_id=keys.account_id), scenario.gaps)


def check_gaps(calls, expected):
    """Check the time between consecutive calls against (minimum, maximum) pairs, with slack on the maximum."""
    times = [call["time"] for call in calls]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert len(gaps) >= len(expected), gaps
    for gap, (minimum, maximum) in zip(gaps, expected):
        assert gap >= minimum, gaps
        assert gap <= maximum + TIMING_SLACK, gaps


def test_lost_reply_on_module_path(ansible_on, emulator):
    runner = ansible_on("module")
    keys = runner.new_account("NotEnabled")
    emulator.add_fault("OpenKmsService", drop=True, after_action=True, account_id=keys.account_id)

    run = runner.module(MODULE, keys=keys, args={"retries": 2}, diff=True)

    assert run.rc == 0, run.output
    assert run.result["changed"] is True
    assert run.result["outcome"] == "activated"
    assert '-    "account_status": "NotEnabled"' in run.stdout
    assert '+    "account_status": "Enabled"' in run.stdout
    assert emulator.account(keys.account_id).activations == 1
    assert LOST_REPLY_WARNING in run.output


def test_scenarios_cover_every_fault_kind():
    codes = {options.get("code") for scenario in SCENARIOS for options in scenario.faults}
    for code in ("Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError",
                 "CreateLXOrderFailed", "InvalidTimeStamp.Expired", "IllegalTimestamp"):
        assert code in codes
    assert any(options.get("drop") for scenario in SCENARIOS for options in scenario.faults)
    assert any(options.get("delay") for scenario in SCENARIOS for options in scenario.faults)
    assert any(scenario.closed_endpoint for scenario in SCENARIOS)
