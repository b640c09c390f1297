"""`make bench-console`: the review console on 10,000 synthetic conversations and 1,000 corrections.

Creates a temporary store with Rasa's own SQLTrackerStore (our EnvSQLTrackerStore),
bulk-loads synthetic conversations shaped like the bot's real events (user turns
with intent, ranking, entities and red flags, and the model_id Rasa puts in each
event's metadata, three models over the 90 days; actions; bot messages; slots),
adds reviewers' corrections of random user turns (open, accepted, rejected; a few
emergencies), starts the console as a real server and times its pages over HTTP,
then times the training export. Prints a table and writes it to
reports/bench/console-<store>-latest.md (and a dated copy); asserts nothing about speed
(timings depend on the machine and its load).

    python -m bench.console [--conversations 10000] [--corrections 1000] [--postgres] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import requests

INTENTS = [("ask_symptoms", 20), ("ask_what_is", 14), ("ask_treatment", 10), ("ask_tests", 8),
           ("ask_cause", 7), ("ask_ivig", 5), ("ask_medicines", 5), ("ask_outlook", 5), ("greet", 10),
           ("thank", 6), ("ask_when_to_call", 4), ("ask_complications", 4)]
TEXTS = ["what are the symptoms of lems", "is it linked to lung cancer", "how is it treated", "what is ivig",
         "my legs are weak on the stairs", "does it get better with exercise", "hello", "thanks",
         "when should i call my doctor", "what tests confirm lems", "will my dad get better"]
CHANNELS = [("socketio", 60), ("rest", 25), ("slack", 15)]
# Three models over the 90 days (Rasa's model ids are 32 hex digits): retrained every month.
MODELS = ["3f1c0a7e9b2d4c6e8a0b1c2d3e4f5a6b", "7d2e4f6a8c0e2a4c6e8a0c2e4a6c8e0a",
          "b94d27b9934d3e08a52e52d7da7dabfa"]
CORRECTION_KINDS = [("intent", 70), ("out_of_scope", 10), ("diagnosis", 6), ("answer", 9), ("emergency", 5)]


def _pick(weighted: list[tuple[str, int]], rng: random.Random) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _event(sender: str, data: dict) -> dict:
    intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
    return {"sender_id": sender, "type_name": data["event"], "timestamp": data["timestamp"],
            "intent_name": intent, "action_name": data.get("name"), "data": json.dumps(data)}


def conversation(i: int, rng: random.Random, now: float) -> list[dict]:
    """One synthetic conversation as rows of Rasa's events table."""
    sender = f"bench-{i:05d}-{rng.getrandbits(32):08x}"
    age = rng.uniform(0, 90 * 86400)
    ts = now - age
    model = MODELS[min(int((90 * 86400 - age) // (30 * 86400)), 2)]
    channel = _pick(CHANNELS, rng)
    rows = [_event(sender, {"event": "action", "name": "action_session_start", "timestamp": ts}),
            _event(sender, {"event": "session_started", "timestamp": ts})]
    for _turn in range(rng.randint(1, 6)):
        ts += rng.uniform(5, 120)
        roll = rng.random()
        reported, negated = [], []
        if roll < 0.02:
            intent, confidence, text, reported = "emergency", 1.0, "i cant breathe", ["breathing"]
        elif roll < 0.10:
            intent, confidence, text = "nlu_fallback", 0.35, "asdf what about the weather"
        elif roll < 0.15:
            intent, confidence, text = "ask_diagnosis", rng.uniform(0.4, 0.95), "do i have LES?"
        else:
            intent, confidence, text = _pick(INTENTS, rng), rng.uniform(0.3, 0.99), rng.choice(TEXTS)
        if rng.random() < 0.03:
            text += " - my name is Jane Roe, call me at 555-201-3344"
            negated = ["breathing"] if rng.random() < 0.5 else []
        ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.05}]
        rows.append(_event(sender, {
            "event": "user", "timestamp": ts, "text": text, "input_channel": channel,
            "metadata": {"model_id": model, "assistant_id": "les-education-bot"},
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "intent_ranking": ranking, "entities": [],
                           "red_flags": {"reported": reported, "negated": negated, "generic": []}}}))
        actions = (["utter_emergency", "action_emergency_context", "action_disclaimer"]
                   if intent == "emergency" else ["action_answer", "action_disclaimer"])
        for action in actions:
            ts += 0.2
            rows.append(_event(sender, {"event": "action", "name": action, "timestamp": ts}))
            rows.append(_event(sender, {"event": "bot", "text": f"reply from {action}", "timestamp": ts,
                                        "metadata": {}}))
        rows.append(_event(sender, {"event": "slot", "name": "answer_kind", "value": "article",
                                    "timestamp": ts}))
    if rng.random() < 0.03:
        rows.append(_event(sender, {"event": "slot", "name": "screening_summary", "value": "weakness",
                                    "timestamp": ts}))
    return rows


def load(db_url: str, n: int) -> int:
    """Create the events table with Rasa's tracker store, then bulk-insert n conversations."""
    os.environ["LES_TRACKER_DB_URL"] = db_url
    from bot.server.tracker_store import EnvSQLTrackerStore

    store = EnvSQLTrackerStore()
    table = store.SQLEvent.__table__
    rng = random.Random(7)
    now = time.time()
    batch: list[dict] = []
    total = 0
    with store.engine.begin() as connection:
        for i in range(n):
            batch += conversation(i, rng, now)
            if len(batch) > 20000:
                connection.execute(table.insert(), batch)
                total += len(batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
            total += len(batch)
    store.engine.dispose()
    return total


def add_corrections(db_url: str, n: int) -> int:
    """n reviewers' corrections of random user turns, as the console would have stored them."""
    import sqlalchemy as sa

    from bot.review import corrections, db
    from bot.review.redact import redact

    if n <= 0:
        return 0
    rng = random.Random(11)
    options = corrections.choices()
    engine = db.make_engine(db_url)
    with engine.begin() as connection:
        turns = list(connection.execute(sa.select(db.events.c.id, db.events.c.sender_id, db.events.c.data)
                                        .where(db.events.c.type_name == "user").order_by(db.events.c.id)))
        rows = []
        for event_id, sender, raw in rng.sample(turns, min(n, len(turns))):
            data = json.loads(raw)
            kind = _pick(CORRECTION_KINDS, rng)
            target = {"intent": rng.choice(options.intents), "emergency": rng.choice(options.red_flags)[0],
                      "answer": rng.choice(options.sections)[0]}.get(kind, "")
            status = rng.choices(["open", "accepted", "rejected"], weights=[60, 30, 10])[0]
            now = data["timestamp"] + rng.uniform(3600, 7 * 86400)
            rows.append({
                "sender_id": sender, "event_id": event_id, "turn_index": 0, "turn_ts": data["timestamp"],
                "example_text": redact(data["text"]), "original_intent": data["parse_data"]["intent"]["name"],
                "original_confidence": data["parse_data"]["intent"]["confidence"],
                "model_id": data["metadata"]["model_id"], "entities": "[]", "kind": kind, "target": target,
                "note": "bench", "reviewer": f"reviewer{rng.randint(1, 5)}", "created_at": now,
                "updated_at": now,
                "status": status, "decided_by": None if status == "open" else "bench-admin",
                "decided_at": None if status == "open" else now + 3600})
        connection.execute(db.corrections.insert(), rows)
    engine.dispose()
    return len(rows)


def _time(session: requests.Session, url: str, repeat: int) -> tuple[float, float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = session.get(url, timeout=300)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
        size = len(response.content)
    return statistics.median(times), max(times), size


def write_report(lines: list[str], store: str, reports: Path | None = None) -> Path:
    """The printed table as reports/bench/console-<time>.md, copied to console-latest.md."""
    from bot import paths

    reports = reports or paths.ROOT / "reports" / "bench"
    reports.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = (f"# make bench-console, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
            f"Store: {store}. Machine: {os.cpu_count()} cores, load average {load} at the end.\n"
            "Median and maximum of repeated HTTP requests; timings depend on the machine and its load.\n\n"
            "```\n" + "\n".join(lines) + "\n```\n")
    path = reports / f"console-{store}-{stamp}.md"
    path.write_text(text)
    (reports / f"console-{store}-latest.md").write_text(text)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10000)
    parser.add_argument("--corrections", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="use a temporary PostgreSQL database")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    store = "postgresql" if args.postgres else "sqlite"
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    from bot.review import auth, db, index, schema, training
    from tests.support.review import login, postgres_database, project_copy, start_console

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="les-bench-")))
        db_url = (stack.enter_context(postgres_database()) if args.postgres
                  else f"sqlite:///{workdir / 'bench.db'}")
        start = time.perf_counter()
        events = load(db_url, args.conversations)
        say(f"store: {db_url.split('://')[0]}  loaded {args.conversations} conversations, {events} events "
              f"in {time.perf_counter() - start:.1f}s")
        engine = db.make_engine(db_url)
        schema.upgrade(engine)
        start = time.perf_counter()
        indexed = index.sync(engine)
        say(f"index build (first start of the console): {indexed} conversations in "
              f"{time.perf_counter() - start:.1f}s")
        start = time.perf_counter()
        index.sync(engine)
        say(f"index refresh with nothing new: {(time.perf_counter() - start) * 1000:.0f} ms")
        auth.create_user(engine, "bench", "only-for-timing-1x", "reviewer")
        auth.create_user(engine, "bench-admin", "only-for-timing-2x", "admin")
        say(f"corrections: {add_corrections(db_url, args.corrections)} of random user turns")
        process, url = start_console(workdir, db_url, LES_CONSOLE_SYNC_SECONDS="0")
        stack.callback(process.stop)
        session = login(url, "bench", "only-for-timing-1x")
        admin = login(url, "bench-admin", "only-for-timing-2x")
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 30 * 86400))
        pages = [
            ("list, first page", "/"),
            ("list, page 200", "/?page=200"),
            ("list, 100 per page", "/?per_page=100"),
            ("filter: emergency", "/?emergency=yes"),
            ("filter: fallback", "/?fallback=yes"),
            ("filter: low confidence < 0.4", "/?low_confidence=yes&threshold=0.4"),
            ("filter: diagnosis asked", "/?diagnosis=yes"),
            ("filter: screening completed", "/?screening=yes"),
            ("filter: channel slack", "/?channel=slack"),
            ("filter: last 30 days", f"/?date_from={day}"),
            ("filter: not reviewed", "/?reviewed=no"),
            ("search: 'ivig'", "/?q=ivig"),
            ("combined: web + fallback + 30 days", f"/?channel=web&fallback=yes&date_from={day}"),
            ("sort: lowest confidence", "/?sort=confidence"),
            ("overview (30 days)", "/overview"),
            ("transcript", "/conversations/1"),
            ("export CSV: emergencies", "/export.csv?emergency=yes"),
            ("improve: open, emergencies first", "/improve"),
            ("improve: all statuses, page 10", "/improve?status=all&page=10"),
            ("improve: one target", "/improve?status=all&target=out_of_scope%3A"),
            ("improve: one reviewer", "/improve?status=all&reviewer=reviewer3"),
            ("quality (12 weeks)", "/quality"),
            ("quality (52 weeks)", "/quality?weeks=52"),
        ]
        admin_pages = [("admin: list with emergency flags", "/"), ("admin: improve", "/improve")]
        say(f"\n{'page':40} {'median ms':>10} {'max ms':>8} {'kB':>7}"
              f"   (over {args.repeat} requests, HTTP)")
        for who, name, path in [(session, n, p) for n, p in pages] + [(admin, n, p) for n, p in admin_pages]:
            median, worst, size = _time(who, url + path, args.repeat)
            say(f"{name:40} {median:10.1f} {worst:8.1f} {size / 1024:7.1f}")
        root = project_copy(workdir / "project")
        engine = db.make_engine(db_url)
        start = time.perf_counter()
        report = training.export(engine, root)
        engine.dispose()
        say(f"\nexport-training: {report.accepted} accepted corrections -> {report.n_examples} examples, "
              f"{len(report.conflicts)} left out as conflicts, {report.cases + report.red_flag_cases} cases "
              f"in {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"report: {write_report(lines, store)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
