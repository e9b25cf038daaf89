# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry transient API failures with capped exponential backoff and full jitter.

Only errors classified as retryable (throttling, 5xx, dropped connections, timeouts) are retried.
Credential, permission and account errors fail at once, because another attempt cannot cure them.
"""

import random
import time
from dataclasses import dataclass

from ansible_collections.alicloud.kms.plugins.module_utils.errors import STOP_ATTEMPTS, STOP_TIME, ApiError


@dataclass(frozen=True)
class RetryPolicy:
    """How many times, and for how long, to retry one API call.

    `retries` counts the attempts after the first. Delays are in seconds: the n-th retry waits a random
    time between 0 and min(max_delay, base_delay * 2**n), unless the server asked for a wait with
    x-acs-retry-after. A retry whose wait would end more than `max_elapsed` seconds after the first attempt
    is not made.
    """

    retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_elapsed: float = 60.0


def backoff_delay(policy, retry_number, rng=random.random):
    """Return the full-jitter delay before retry number `retry_number` (counted from 0)."""
    ceiling = min(policy.max_delay, policy.base_delay * (2 ** retry_number))
    return rng() * ceiling


def call_with_retries(operation, policy, sleep=time.sleep, clock=time.monotonic, rng=random.random):
    """Call `operation()` until it succeeds or the policy runs out.

    `operation` returns a value or raises ApiError. Returns (value, attempts). Raises the last ApiError,
    with `attempts`, `elapsed`, `stop_reason` and `earlier_attempt_may_have_acted` set, when it is not
    retryable or the policy is spent.
    """
    started = clock()
    attempt = 0
    earlier_may_have_acted = False

    while True:
        attempt += 1
        try:
            return operation(), attempt
        except ApiError as error:
            elapsed = clock() - started
            retry_number = attempt - 1
            error.earlier_attempt_may_have_acted = earlier_may_have_acted

            if not error.retryable:
                raise _annotate(error, attempt, elapsed, stop_reason=None)
            if retry_number >= policy.retries:
                raise _annotate(error, attempt, elapsed, stop_reason=STOP_ATTEMPTS)

            delay = error.retry_after if error.retry_after else backoff_delay(policy, retry_number, rng)
            if elapsed + delay > policy.max_elapsed:
                error.next_delay = delay
                raise _annotate(error, attempt, elapsed, stop_reason=STOP_TIME)

            earlier_may_have_acted = earlier_may_have_acted or error.may_have_acted
            sleep(delay)


def _annotate(error, attempts, elapsed, stop_reason):
    error.attempts = attempts
    error.elapsed = elapsed
    error.exhausted = stop_reason is not None
    error.stop_reason = stop_reason
    return error
