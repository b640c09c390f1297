"""make run's supervisor: restarts a crashed process with backoff, gives up on a crash loop.

Real child processes (tiny Python commands); the clock is the test's, so no test waits for
a backoff to pass."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.ops.supervise import CrashLoop, RestartPolicy, Supervisor, log_line_writer

CRASH = [sys.executable, "-c", "import sys; sys.exit(3)"]
SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def crashed(process: subprocess.Popen) -> None:
    process.wait(timeout=30)


@pytest.fixture()
def said():
    return []


def supervisor(said, clock, **policy):
    return Supervisor(RestartPolicy(**{"first_delay_s": 1, "max_delay_s": 8, "max_crashes": 4,
                                       "window_s": 100, **policy}), said.append, clock)


def test_the_policy_doubles_the_delay_up_to_its_cap():
    policy = RestartPolicy(first_delay_s=1, max_delay_s=8)
    assert [policy.delay(n) for n in range(1, 7)] == [1, 2, 4, 8, 8, 8]


def test_a_crashed_part_is_restarted_after_its_delay_and_the_others_keep_running(said):
    clock = Clock()
    sup = supervisor(said, clock)
    started = []

    def start_crashing():
        started.append(subprocess.Popen(CRASH))
        return started[-1]

    sup.add("action server", start_crashing, log=Path("actions.log"))
    steady = sup.add("Rasa server", lambda: subprocess.Popen(SLEEP), log=Path("r.log"))
    try:
        crashed(started[0])
        sup.check()
        assert "action server stopped unexpectedly (exit code 3" in said[-1]
        assert "restarting it in 1 s" in said[-1] and "other parts keep running" in said[-1]
        assert len(started) == 1  # not before its delay
        clock.now = 1.0
        sup.check()
        assert len(started) == 2 and said[-1].startswith("action server restarted (pid ")
        crashed(started[1])
        sup.check()
        assert "restarting it in 2 s" in said[-1]  # the second crash in a row waits longer
        assert steady.poll() is None and steady in sup.processes()
    finally:
        steady.kill()
        steady.wait()


def test_a_part_that_keeps_crashing_stops_everything_with_its_name_and_why(said):
    clock = Clock()
    sup = supervisor(said, clock)
    sup.add("review console", lambda: subprocess.Popen(CRASH), log=Path("console.log"))
    with pytest.raises(CrashLoop) as stopped:
        for _ in range(20):
            crashed(sup.parts[0].process)
            sup.check()
            clock.now += 10  # past any delay
            sup.check()
    message = str(stopped.value)
    assert message.startswith("review console crashed 4 times within 100 s (last exit code 3)")
    assert "console.log" in message and "Stopping everything" in message
    assert sum("stopped unexpectedly" in line for line in said) == 3


def test_crashes_far_apart_are_not_a_crash_loop(said):
    clock = Clock()
    sup = supervisor(said, clock)
    sup.add("action server", lambda: subprocess.Popen(CRASH), log=Path("a.log"))
    for _ in range(10):  # one crash every 60 s: never 4 within 100 s
        crashed(sup.parts[0].process)
        sup.check()
        clock.now += 60
        sup.check()
    assert sum("restarted" in line for line in said) == 10


def test_the_launcher_log_gets_each_line_with_its_time(tmp_path):
    echoed = []
    say = log_line_writer(tmp_path / "logs" / "run.log", echoed.append)
    say("action server restarted (pid 1)")
    assert echoed == ["action server restarted (pid 1)"]
    line = (tmp_path / "logs" / "run.log").read_text()
    assert line.endswith(" UTC action server restarted (pid 1)\n") and line[:4].isdigit()
