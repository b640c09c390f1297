"""Background conversations for the fault tests: they keep talking while a process is
restarted, resend a message that failed (as a client would), and record every answer."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from tests.scale.talk import Conversation

SCRIPT = ["hello", "what is lambert eaton syndrome", "what are the symptoms", "how is it treated",
          "what is ivig", "when should i call my doctor", "thanks"]


@dataclass
class Load:
    urls: list[str]
    conversations: int = 6
    pause_after_failure_s: float = 0.5
    talks: list[Conversation] = field(default_factory=list)
    started_at: list[list[float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _new(self) -> tuple[Conversation, list[float]]:
        with self._lock:
            self.talks.append(Conversation())
            self.started_at.append([])
            return self.talks[-1], self.started_at[-1]

    def _run(self, index: int) -> None:
        # a new conversation after each pass of the script (the rate limit is per conversation)
        position = 0
        while not self._stop.is_set():
            if position % len(SCRIPT) == 0:
                conversation, starts = self._new()
            starts.append(time.monotonic())
            turn = conversation.say(self.urls[(index + position) % len(self.urls)],
                                    SCRIPT[position % len(SCRIPT)], timeout=60)
            if turn.status == 200:
                position += 1
            else:
                self._stop.wait(self.pause_after_failure_s)

    def start(self) -> Load:
        for index in range(self.conversations):
            thread = threading.Thread(target=self._run, args=(index,), daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def turns(self):
        """(start time, turn) of every request, all conversations."""
        for conversation, starts in zip(self.talks, self.started_at, strict=True):
            yield from zip(starts, conversation.turns, strict=False)


def is_subsequence(wanted: list[str], stored: list[str]) -> bool:
    remaining = iter(stored)
    return all(any(item == candidate for candidate in remaining) for item in wanted)
