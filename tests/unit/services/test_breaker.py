"""The circuit breaker: failures are shared, one probe per interval, answers close it."""

import asyncio

import pytest

from relnotes.models.errors import InvalidOutput, ModelUnavailable
from relnotes.services.breaker import CircuitBreaker, CircuitOpen


class Service:
    """A model-service that fails while ``down`` and counts the requests it got."""

    def __init__(self) -> None:
        self.down = True
        self.requests = 0

    async def complete(self) -> str:
        self.requests += 1
        await asyncio.sleep(0.01)
        if self.down:
            raise ModelUnavailable("model-service: HTTP 503")
        return "note"


async def test_while_open_calls_fail_fast_saying_when_the_next_probe_is() -> None:
    breaker, service = CircuitBreaker(base_s=0.2, cap_s=1), Service()
    with pytest.raises(ModelUnavailable):
        await breaker.call(service.complete)
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen) as caught:
        await breaker.call(service.complete)
    assert service.requests == 1
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 0.2
    assert "HTTP 503" in caught.value.message


async def test_one_probe_per_interval_and_waiters_share_its_outcome() -> None:
    breaker, service = CircuitBreaker(base_s=0.1, cap_s=0.4), Service()
    with pytest.raises(ModelUnavailable):
        await breaker.call(service.complete)
    await asyncio.sleep(0.12)
    outcomes = await asyncio.gather(
        *(breaker.call(service.complete) for _ in range(20)), return_exceptions=True
    )
    assert service.requests == 2  # the first failure, then one probe for twenty callers
    assert all(isinstance(o, ModelUnavailable) for o in outcomes)
    service.down = False
    await asyncio.sleep(0.25)  # the doubled interval
    outcomes = await asyncio.gather(*(breaker.call(service.complete) for _ in range(20)))
    assert outcomes == ["note"] * 20
    assert breaker.state == "closed"


async def test_failures_in_flight_together_open_one_interval_and_answers_do_not_trip() -> None:
    breaker, service = CircuitBreaker(base_s=0.1, cap_s=10), Service()
    await asyncio.gather(
        *(breaker.call(service.complete) for _ in range(10)), return_exceptions=True
    )
    with pytest.raises(CircuitOpen) as caught:
        await breaker.call(service.complete)
    assert caught.value.retry_after is not None
    assert caught.value.retry_after <= 0.1

    async def invalid() -> str:
        raise InvalidOutput("reply invalid at releaseNote")

    fresh = CircuitBreaker(base_s=0.1, cap_s=1)
    with pytest.raises(InvalidOutput):
        await fresh.call(invalid)
    assert fresh.state == "closed"
