"""Closed-loop load over the REST channel: N conversations, each sends its next message
as soon as the previous one is answered.

Every conversation follows the bot's 50-message script (bench/mix.py) with a new
sender id each time round. Only answers that start after the warm-up and end before
the deadline count towards latency and throughput.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp
import numpy as np

from bench.mix import RED_FLAG, Turn

REQUEST_TIMEOUT_S = 60
EMERGENCY_MARK = "🚨"


@dataclass
class Sample:
    start: float
    end: float
    kind: str
    status: int  # HTTP status; 0 = no answer (connection error or timeout)
    problem: str | None = None  # None when the answer is acceptable


@dataclass
class LevelResult:
    concurrency: int
    duration_s: float
    samples: list[Sample] = field(default_factory=list)

    @property
    def latencies_ms(self) -> np.ndarray:
        return np.array([(s.end - s.start) * 1000 for s in self.samples if s.problem is None])

    def percentile(self, q: float) -> float | None:
        values = self.latencies_ms
        return float(np.percentile(values, q)) if len(values) else None

    @property
    def messages_per_s(self) -> float:
        return sum(1 for s in self.samples if s.problem is None) / self.duration_s

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.problem is not None)

    def problems(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for sample in self.samples:
            if sample.problem:
                found[sample.problem] = found.get(sample.problem, 0) + 1
        return found

    def summary(self) -> dict:
        return {
            "concurrency": self.concurrency, "duration_s": self.duration_s,
            "messages": len(self.samples), "messages_per_s": round(self.messages_per_s, 2),
            "p50_ms": _round(self.percentile(50)), "p95_ms": _round(self.percentile(95)),
            "p99_ms": _round(self.percentile(99)), "errors": self.errors, "problems": self.problems(),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def judge(turn: Turn, status: int, body: object, require_reply: bool) -> str | None:
    """What is wrong with an answer, or None."""
    if status != 200:
        return f"HTTP {status}" if status else "no answer"
    if not isinstance(body, list):
        return "not a list of messages"
    if require_reply and not body:
        return "empty reply"
    first = str(body[0].get("text", "")) if body and isinstance(body[0], dict) else ""
    if require_reply and turn.kind == RED_FLAG and not first.startswith(EMERGENCY_MARK):
        return "red flag without the 911 message first"
    return None


async def _conversation(session: aiohttp.ClientSession, url: str, script: list[Turn], index: int,
                        stop_at: float, samples: list[Sample], require_reply: bool, run_id: str) -> None:
    round_ = 0
    while True:
        sender = f"bench-{run_id}-{index}-{round_}"
        for turn in script:
            if time.monotonic() >= stop_at:
                return
            start = time.monotonic()
            status, body = 0, None
            try:
                async with session.post(url, json={"sender": sender, "message": turn.text}) as response:
                    status = response.status
                    body = await response.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                pass
            samples.append(Sample(start, time.monotonic(), turn.kind, status,
                                  judge(turn, status, body, require_reply)))
        round_ += 1


async def _run_level(url: str, script: list[Turn], concurrency: int, warmup_s: float,
                     duration_s: float, require_reply: bool) -> LevelResult:
    started = time.monotonic()
    measure_from, stop_at = started + warmup_s, started + warmup_s + duration_s
    samples: list[Sample] = []
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    run_id = uuid.uuid4().hex[:8]
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(
            _conversation(session, url, script, i, stop_at, samples, require_reply, run_id)
            for i in range(concurrency)))
    result = LevelResult(concurrency, duration_s)
    result.samples = [s for s in samples if s.start >= measure_from and s.end <= stop_at]
    return result


def run_level(url: str, script: list[Turn], concurrency: int, warmup_s: float, duration_s: float,
              require_reply: bool = True) -> LevelResult:
    """One closed-loop run against ``url`` (the REST webhook)."""
    return asyncio.run(_run_level(url, script, concurrency, warmup_s, duration_s, require_reply))


async def _timeline(url: str, script: list[Turn], concurrency: int, duration_s: float,
                    interval_s: float, on_interval: Callable[[float, list[Sample]], None]) -> list[Sample]:
    started = time.monotonic()
    stop_at = started + duration_s
    samples: list[Sample] = []
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    run_id = uuid.uuid4().hex[:8]

    async def report() -> None:
        seen = 0
        while time.monotonic() < stop_at:
            await asyncio.sleep(min(interval_s, max(0.0, stop_at - time.monotonic())))
            on_interval(time.monotonic() - started, samples[seen:])
            seen = len(samples)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(report(), *(
            _conversation(session, url, script, i, stop_at, samples, True, run_id)
            for i in range(concurrency)))
    return samples


def run_timeline(url: str, script: list[Turn], concurrency: int, duration_s: float, interval_s: float,
                 on_interval: Callable[[float, list[Sample]], None]) -> list[Sample]:
    """A long closed-loop run that calls ``on_interval(elapsed, new_samples)`` every interval."""
    return asyncio.run(_timeline(url, script, concurrency, duration_s, interval_s, on_interval))
