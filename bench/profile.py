"""Where a message's time goes inside the Rasa server, with pyinstrument.

The agent is loaded in this process exactly as ``rasa run`` loads it (our model, our
endpoints with a temporary SQLite store, a real action server in a subprocess). After a
warm-up, ``--concurrency`` conversations send ``--messages`` messages of our mix through
``Agent.handle_message`` (what every channel calls) while pyinstrument samples the whole
thread: NLU components, policies, the action server calls. The tracker store's own work
runs on a thread of its own (bot/server/store_guard.py) and is not sampled; Sanic's HTTP
layer is not in the picture either. Two renderings go to reports/bench/: a call tree (text)
and the same as HTML, plus the flat list of the functions that cost the most themselves.
"""

from __future__ import annotations

import asyncio
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import mix, report, stack
from bot.ops import launch


async def _drive(agent, script, messages: int, concurrency: int, prefix: str) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    counter = iter(range(messages))

    async def conversation(index: int) -> None:
        round_ = 0
        while True:
            for turn in script:
                if next(counter, None) is None:
                    return
                await agent.handle_message(UserMessage(turn.text, CollectingOutputChannel(),
                                                       f"{prefix}-{index}-{round_}"))
            round_ += 1

    await asyncio.gather(*(conversation(i) for i in range(concurrency)))


def _quiet_logging() -> None:
    """INFO, as ``rasa run`` logs: debug lines would dominate the profile."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)


def run(messages: int, concurrency: int, say: Callable[[str], None], target: str = "rasa") -> int:
    """Profile the Rasa server (``target="rasa"``) or the action server (``"actions"``)."""
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    from bot.ops.train import train
    from bot.server import rasa_patches

    _quiet_logging()
    workdir = Path(tempfile.mkdtemp(prefix="les-profile-"))
    port = launch.free_port()
    stamp = report.now_stamp()
    report.REPORTS.mkdir(parents=True, exist_ok=True)
    actions_profile = report.REPORTS / f"profile-actions-{stamp}.txt"
    wrap = ["-m", "pyinstrument", "-r", "text", "-o", str(actions_profile)] if target == "actions" else []
    actions = stack._start("actions", launch.actions_command(port, *wrap), stack.paths.ROOT, stack._env(),
                           workdir)
    try:
        endpoints = AvailableEndpoints.read_endpoints(
            str(stack.ours_endpoints(workdir, f"http://127.0.0.1:{port}/webhook")))
        say(f"profile: Rasa patches: {rasa_patches.install().summary()}")

        async def main() -> Profiler:
            say("profile: loading the agent ...")
            agent = await load_agent(model_path=str(train()), endpoints=endpoints)
            while True:  # until the action server answers
                reply = await agent.handle_text("what is ivig", sender_id="profile-warmup")
                if reply and len(reply) > 1:
                    break
                await asyncio.sleep(0.5)
            await _drive(agent, mix.ours(), 100, 4, "warm")
            say(f"profile: {messages} messages, {concurrency} conversations ...")
            profiler = Profiler(interval=0.001, async_mode="disabled")
            started = time.monotonic()
            if target == "rasa":
                profiler.start()
            await _drive(agent, mix.ours(), messages, concurrency, "profile")
            if target == "rasa":
                profiler.stop()
            say(f"profile: {messages / (time.monotonic() - started):.1f} messages/s while profiled")
            return profiler

        profiler = asyncio.run(main())
    finally:
        if target == "actions" and actions.popen.poll() is None:
            actions.popen.send_signal(signal.SIGINT)  # pyinstrument writes its report on exit
            actions.popen.wait(timeout=60)
        actions.stop()
        stack.remove(workdir)
    if target == "actions":
        say(actions_profile.read_text()[:6000])
        say(f"profile: the action server's call tree (startup included) in {actions_profile}")
        return 0
    session = profiler.last_session
    tree = ConsoleRenderer(time="percent_of_total", short_mode=False, show_all=True).render(session)
    flat = ConsoleRenderer(flat=True, time="percent_of_total").render(session)
    text_path = report.REPORTS / f"profile-{stamp}.txt"
    text_path.write_text(f"# flat: own time per function\n{flat}\n# call tree\n{tree}")
    (report.REPORTS / f"profile-{stamp}.html").write_text(HTMLRenderer().render(session))
    say("\n".join(flat.splitlines()[:45]))
    say(f"profile: full call tree in {text_path} (and .html)")
    return 0
