import pytest

from ansible_collections.alicloud.kms.plugins.module_utils.errors import ApiError, CREDENTIALS, TRANSIENT
from ansible_collections.alicloud.kms.plugins.module_utils.retry import RetryPolicy, backoff_delay, call_with_retries


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


def failing(errors_then_value):
    items = list(errors_then_value)

    def operation():
        item = items.pop(0)
        if isinstance(item, Exception):
            raise item
        return item
    return operation


def throttled(**kwargs):
    return ApiError(kind=TRANSIENT, message="slow down", code="Throttling", **kwargs)


def test_success_after_transient_errors():
    clock = Clock()
    value, attempts = call_with_retries(failing([throttled(), throttled(), "ok"]), RetryPolicy(retries=3),
                                        sleep=clock.sleep, clock=clock, rng=lambda: 1.0)
    assert value == "ok"
    assert attempts == 3
    assert clock.sleeps == [0.5, 1.0]


def test_retries_run_out():
    clock = Clock()
    with pytest.raises(ApiError) as caught:
        call_with_retries(failing([throttled()] * 3), RetryPolicy(retries=2), sleep=clock.sleep, clock=clock,
                          rng=lambda: 0.5)
    assert caught.value.attempts == 3
    assert caught.value.exhausted
    assert len(clock.sleeps) == 2


def test_credentials_error_not_retried():
    clock = Clock()
    error = ApiError(kind=CREDENTIALS, message="bad key", code="InvalidAccessKeyId.NotFound")
    with pytest.raises(ApiError) as caught:
        call_with_retries(failing([error, "ok"]), RetryPolicy(retries=5), sleep=clock.sleep, clock=clock)
    assert caught.value.attempts == 1
    assert not caught.value.exhausted
    assert clock.sleeps == []


def test_retry_after_wins_over_backoff():
    clock = Clock()
    call_with_retries(failing([throttled(retry_after=2.5), "ok"]), RetryPolicy(retries=1),
                      sleep=clock.sleep, clock=clock, rng=lambda: 0.0)
    assert clock.sleeps == [2.5]


def test_time_budget_stops_retries():
    clock = Clock()
    policy = RetryPolicy(retries=10, max_elapsed=5.0)
    with pytest.raises(ApiError) as caught:
        call_with_retries(failing([throttled(retry_after=3.0)] * 10), policy, sleep=clock.sleep, clock=clock)
    assert caught.value.attempts == 2
    assert caught.value.exhausted
    assert clock.sleeps == [3.0]


@pytest.mark.parametrize("retry_number, ceiling", [(0, 0.5), (1, 1.0), (2, 2.0), (5, 10.0), (12, 10.0)])
def test_backoff_is_capped_full_jitter(retry_number, ceiling):
    policy = RetryPolicy()
    assert backoff_delay(policy, retry_number, rng=lambda: 1.0) == ceiling
    assert backoff_delay(policy, retry_number, rng=lambda: 0.0) == 0.0
