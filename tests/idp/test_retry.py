"""Back-off on 429 and 5xx honours Retry-After; the sleep is injected."""

from datetime import UTC, datetime

import httpx

from scimcert.idp.retry import Retrier, after
from scimcert.idp.rules import Rules


def answers(*statuses, headers=None):
    replies = iter(statuses)
    return lambda: httpx.Response(next(replies), headers=headers or {})


def test_a_429_waits_the_seconds_retry_after_asks():
    waits = []
    retry = Retrier(Rules.load(), waits.append)
    assert retry(answers(429, 200, headers={"Retry-After": "7"})).status_code == 200
    assert waits == [7.0]


def test_without_retry_after_the_wait_doubles():
    waits = []
    retry = Retrier(Rules.load(), waits.append)
    assert retry(answers(503, 502, 500, 200)).status_code == 200
    assert waits == [1.0, 2.0, 4.0]


def test_the_last_answer_comes_back_when_attempts_run_out():
    waits = []
    retry = Retrier(Rules.load(), waits.append)
    assert retry(answers(500, 500, 500, 500)).status_code == 500
    assert len(waits) == Rules.load().retry["attempts"] - 1


def test_a_refusal_that_is_not_retried_is_sent_once():
    waits = []
    assert Retrier(Rules.load(), waits.append)(answers(409)).status_code == 409
    assert waits == []


def test_retry_after_as_an_http_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert after("soon", now) is None


def test_log_codes_of_statuses():
    rules = Rules.load()
    assert [rules.status(s).code for s in (400, 401, 409, 418, 429, 503)] == [
        "SystemForCrossDomainIdentityManagementBadRequest",
        "SystemForCrossDomainIdentityManagementInvalidCredentials", "EntryConflict",
        "SystemForCrossDomainIdentityManagementBadRequest", "TooManyRequests",
        "InternalServerError"]


def test_quarantine_follows_the_escrow_thresholds():
    rules = Rules.load()
    assert rules.quarantined(codes=set(), failures=4999, events=5000) is None
    assert rules.quarantined(codes=set(), failures=5000, events=10000) == \
        "EncounteredEscrowProportionThreshold"
    assert rules.quarantined(codes=set(), failures=20000, events=120000) is None
    assert rules.quarantined(codes=set(), failures=45000, events=1000000) == \
        "EncounteredTotalEscrowThreshold"
    assert rules.quarantined(codes={"SystemForCrossDomainIdentityManagementInvalidCredentials"},
                             failures=1, events=1) == "EncounteredQuarantineException"
