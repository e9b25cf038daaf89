"""Full-jitter backoff, the stop reasons, and lost replies: how retries behave, checked offline."""

import random
import statistics

import pytest

from ansible_collections.alicloud.kms.plugins.module_utils import errors
from ansible_collections.alicloud.kms.plugins.module_utils.errors import (
    ALREADY_DONE,
    CONNECTION,
    STOP_ATTEMPTS,
    STOP_TIME,
    TRANSIENT,
    ApiError,
    classify_exception,
)
from ansible_collections.alicloud.kms.plugins.module_utils.retry import RetryPolicy, backoff_delay, call_with_retries
from ansible_collections.alicloud.kms.plugins.module_utils.runner import failure_message
from ansible_collections.alicloud.kms.plugins.module_utils.service import ensure_kms_service

SAMPLES = 20000


class Clock:
    """A fake monotonic clock that the fake sleep advances."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def raising(items):
    items = list(items)

    def operation():
        item = items.pop(0)
        if isinstance(item, Exception):
            raise item
        return item
    return operation


def throttled(**fields):
    return ApiError(kind=TRANSIENT, message="slow down", code="Throttling", http_status=400, **fields)


def lost_reply():
    return ApiError(kind=CONNECTION, message="Read timed out.", may_have_acted=True)


def opened():
    return ApiError(kind=ALREADY_DONE, message="opened", code="Forbidden.Opened", http_status=400)


@pytest.mark.parametrize("retry_number, ceiling", [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 10.0)])
def test_jitter_spreads_over_whole_range(retry_number, ceiling):
    rng = random.Random(retry_number)
    policy = RetryPolicy()

    delays = [backoff_delay(policy, retry_number, rng=rng.random) for _sample in range(SAMPLES)]

    assert min(delays) >= 0.0
    assert max(delays) <= ceiling
    assert min(delays) < ceiling * 0.01
    assert max(delays) > ceiling * 0.99
    assert statistics.mean(delays) == pytest.approx(ceiling / 2, rel=0.02)
    # A uniform distribution on [0, c] has the standard deviation c / sqrt(12).
    assert statistics.pstdev(delays) == pytest.approx(ceiling / 12 ** 0.5, rel=0.03)


def test_jitter_quartiles_even():
    rng = random.Random(7)
    policy = RetryPolicy()

    delays = [backoff_delay(policy, 3, rng=rng.random) for _sample in range(SAMPLES)]
    counts = [sum(1 for delay in delays if low <= delay < low + 1.0) for low in (0.0, 1.0, 2.0, 3.0)]

    for count in counts:
        assert count == pytest.approx(SAMPLES / 4, rel=0.05)


def test_loop_sleeps_within_ceilings():
    clock = Clock()
    rng = random.Random(11)

    call_with_retries(raising([throttled()] * 5 + ["ok"]), RetryPolicy(retries=5), sleep=clock.sleep,
                      clock=clock, rng=rng.random)

    assert len(clock.sleeps) == 5
    for retry_number, delay in enumerate(clock.sleeps):
        assert 0.0 <= delay <= min(10.0, 0.5 * 2 ** retry_number)
    assert len(set(clock.sleeps)) == 5


def test_attempt_budget_stop_reason():
    clock = Clock()

    with pytest.raises(ApiError) as caught:
        call_with_retries(raising([throttled()] * 4), RetryPolicy(retries=3), sleep=clock.sleep, clock=clock)

    assert caught.value.stop_reason == STOP_ATTEMPTS
    assert caught.value.attempts == 4


def test_long_retry_after_stops_at_once():
    clock = Clock()

    with pytest.raises(ApiError) as caught:
        call_with_retries(raising([throttled(retry_after=70.0), "ok"]), RetryPolicy(retries=5),
                          sleep=clock.sleep, clock=clock)

    assert caught.value.stop_reason == STOP_TIME
    assert caught.value.next_delay == 70.0
    assert caught.value.attempts == 1
    assert clock.sleeps == []


def test_retry_after_within_remaining_budget():
    clock = Clock()
    errors_then_ok = [throttled(retry_after=25.0), throttled(retry_after=25.0), throttled(retry_after=25.0), "ok"]

    with pytest.raises(ApiError) as caught:
        call_with_retries(raising(errors_then_ok), RetryPolicy(retries=5), sleep=clock.sleep, clock=clock)

    assert clock.sleeps == [25.0, 25.0]
    assert caught.value.stop_reason == STOP_TIME
    assert caught.value.elapsed == 50.0


def test_not_retryable_has_no_stop_reason():
    with pytest.raises(ApiError) as caught:
        call_with_retries(raising([opened()]), RetryPolicy(retries=5), sleep=Clock().sleep, clock=Clock())

    assert caught.value.stop_reason is None
    assert caught.value.exhausted is False


def test_earlier_lost_reply_remembered():
    clock = Clock()

    with pytest.raises(ApiError) as caught:
        call_with_retries(raising([lost_reply(), throttled(), opened()]), RetryPolicy(retries=5),
                          sleep=clock.sleep, clock=clock, rng=lambda: 0.0)

    assert caught.value.kind == ALREADY_DONE
    assert caught.value.earlier_attempt_may_have_acted is True


def test_throttling_alone_not_remembered():
    clock = Clock()

    with pytest.raises(ApiError) as caught:
        call_with_retries(raising([throttled(), opened()]), RetryPolicy(retries=5), sleep=clock.sleep,
                          clock=clock, rng=lambda: 0.0)

    assert caught.value.earlier_attempt_may_have_acted is False


class SdkError(Exception):
    """Stands in for the SDK's exceptions: only the attributes classify_exception reads."""

    def __init__(self, code=None, status_code=None, message=None):
        super().__init__(message or code)
        self.code = code
        self.status_code = status_code
        self.message = message
        self.data = {"Message": message or code} if code else None


@pytest.mark.parametrize("code, status, acted", [
    ("InternalError", 500, True),
    ("InternalFailure", 500, True),
    ("UnknownServerError", 502, True),
    ("ServiceUnavailable", 503, False),
    ("Throttling.Api", 503, False),
    ("Throttling", 400, False),
    ("CreateLXOrderFailed", 400, False),
])
def test_server_errors_that_may_have_acted(code, status, acted):
    assert classify_exception(SdkError(code, status)).may_have_acted is acted


@pytest.mark.parametrize("text, acted", [
    ("HTTPConnectionPool(host='127.0.0.1', port=1): Read timed out. (read timeout=0.5)", True),
    ("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))", True),
    ("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))", True),
    ("Max retries exceeded with url: / (Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', "
     "port=1): Failed to establish a new connection: [Errno 111] Connection refused\"))", False),
    ("Max retries exceeded with url: / (Caused by ConnectTimeoutError(<HTTPConnection>, 'Connection to "
     "kms.cn-hangzhou.aliyuncs.com timed out. (connect timeout=5.0)'))", False),
])
def test_transport_errors_that_may_have_acted(text, acted):
    error = classify_exception(SdkError(message=text))

    assert error.kind == errors.CONNECTION
    assert error.may_have_acted is acted


class FakeApi:
    """Describe returns the statuses in order; Open raises `open_error` when set."""

    def __init__(self, *statuses, open_error=None):
        self.statuses = list(statuses)
        self.open_error = open_error
        self.calls = []

    def describe_account_kms_status(self):
        self.calls.append("Describe")
        return self.statuses.pop(0)

    def open_kms_service(self):
        self.calls.append("Open")
        if self.open_error:
            raise self.open_error


def test_lost_reply_reports_change():
    error = opened()
    error.earlier_attempt_may_have_acted = True
    api = FakeApi("NotEnabled", "Enabled", open_error=error)

    result = ensure_kms_service(api, check_mode=False)

    assert api.calls == ["Describe", "Open", "Describe"]
    assert result.changed is True
    assert result.outcome == "activated"
    assert result.status_before == "NotEnabled"
    assert result.account_status == "Enabled"
    assert "reply to an OpenKmsService attempt was lost" in result.warnings[0]


def test_clean_lost_race_unchanged():
    api = FakeApi("NotEnabled", "Enabled", open_error=opened())

    result = ensure_kms_service(api, check_mode=False)

    assert result.changed is False
    assert result.outcome == "already_enabled"
    assert result.warnings == []


class FakeSource:
    def describe(self):
        return "the access key LTAI...f3e9 from the access_key option"

    def credentials_hint(self):
        return "check access_key and secret_key"


class FakeSettings:
    endpoint_url = "https://kms.cn-hangzhou.aliyuncs.com"


def test_time_budget_message():
    error = throttled(retry_after=70.0)
    error.attempts, error.elapsed, error.stop_reason, error.next_delay = 1, 0.1, STOP_TIME, 70.0

    message = failure_message(error, "DescribeAccountKmsStatus", FakeSource(), FakeSettings())

    assert "after 1 attempt over 0.1 s" in message
    assert "the server asked to wait 70.0 s (x-acs-retry-after)" in message
    assert "the 60 s time limit for retries" in message
    assert "raise retries" not in message


def test_attempt_budget_message():
    error = throttled()
    error.attempts, error.elapsed, error.stop_reason = 3, 1.2, STOP_ATTEMPTS

    message = failure_message(error, "DescribeAccountKmsStatus", FakeSource(), FakeSettings())

    assert "after 3 attempts over 1.2 s" in message
    assert "raise retries" in message


def test_lost_activation_reply_message():
    error = lost_reply()
    error.attempts, error.elapsed, error.stop_reason = 2, 0.8, STOP_ATTEMPTS

    message = failure_message(error, "OpenKmsService", FakeSource(), FakeSettings())

    assert "KMS may have been activated all the same" in message


def test_refused_activation_message_sure():
    error = ApiError(kind=CONNECTION, message="[Errno 111] Connection refused", may_have_acted=False)

    message = failure_message(error, "OpenKmsService", FakeSource(), FakeSettings())

    assert "may have been activated" not in message
