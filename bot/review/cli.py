"""Console administration from the shell (there is no default account).

    python -m bot.review.cli add-user alice --role admin      # asks for the password twice
    python -m bot.review.cli add-user bob --role reviewer --password-stdin < secret.txt
    python -m bot.review.cli set-password bob | disable-user bob | enable-user bob | list-users
    python -m bot.review.cli retention --days 365 [--dry-run]
    python -m bot.review.cli reindex
    python -m bot.review.cli export-training [--root DIR]   # accepted corrections -> training data
    python -m bot.review.cli migrate   # only the schema upgrade every command (and the console) starts with

The database is the one the bot uses (LES_TRACKER_DB_URL, else build/conversations.db);
``--db-url`` overrides it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot import paths
from bot.review import audit, auth, db, index, retention, schema, training
from bot.review.config import database_url


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password (12+ characters): ")
    if getpass.getpass("again: ") != first:
        raise auth.UserError("the passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.review.cli", description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", default=None, help="SQLAlchemy URL (default: the bot's store)")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-user", help="create a console user")
    add.add_argument("username")
    add.add_argument("--role", choices=auth.ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    pw = commands.add_parser("set-password", help="change a user's password (ends their sessions)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    for name in ("disable-user", "enable-user"):
        commands.add_parser(name).add_argument("username")
    commands.add_parser("list-users")
    keep = commands.add_parser(
        "retention", help="delete conversations whose last message is older than N days")
    keep.add_argument("--days", type=float, required=True)
    keep.add_argument("--dry-run", action="store_true")
    commands.add_parser("reindex", help="rebuild the console's search index from the events")
    commands.add_parser("migrate", help="bring the console's tables to the newest schema (alembic)")
    exporting = commands.add_parser(
        "export-training", help="write accepted corrections as NLU data, test stories and regression cases")
    exporting.add_argument("--root", type=Path, default=paths.ROOT,
                           help="project directory to write into (default: this repository)")
    args = parser.parse_args(argv)

    engine = db.make_engine(args.db_url or database_url())
    schema.upgrade(engine)
    try:
        if args.command == "add-user":
            user = auth.create_user(engine, args.username, _password(args), args.role)
            print(f"created {user.role} {user.username}")
        elif args.command == "set-password":
            auth.set_password(engine, args.username, _password(args))
            print(f"password changed for {args.username}; their sessions were ended")
        elif args.command in ("disable-user", "enable-user"):
            auth.set_active(engine, args.username, args.command == "enable-user")
            print(f"{args.command.split('-')[0]}d {args.username}")
        elif args.command == "list-users":
            for row in auth.list_users(engine):
                created = datetime.fromtimestamp(row.created_at, tz=timezone.utc).strftime("%Y-%m-%d")
                print(f"{row.username:24} {row.role:9} {'active' if row.active else 'disabled':8} {created}")
        elif args.command == "retention":
            if not db.has_events_table(engine):
                print("no events table yet: nothing to delete")
                return 0
            conversations, events = retention.purge(engine, args.days, dry_run=args.dry_run)
            verb = "would delete" if args.dry_run else "deleted"
            print(f"{verb} {conversations} conversations ({events} events) older than {args.days:g} days")
        elif args.command == "migrate":
            print(f"console tables at revision {schema.current(engine)}")
        elif args.command == "reindex":
            print(f"indexed {index.rebuild(engine)} conversations")
        elif args.command == "export-training":
            report = training.export(engine, args.root)
            audit.record(engine, "cli", audit.TRAINING_EXPORT, **report.summary())
            print(f"{report.accepted} accepted corrections: {report.n_examples} NLU examples in "
                  f"{len(report.examples)} intents, {report.stories} test stories, {report.cases} regression "
                  f"cases, {report.red_flag_cases} red-flag cases")
            for line in report.conflicts:
                print(f"left out (one example, one intent): {line}")
            for line in report.already_present:
                print(f"already in the training data: {line}")
            for line in report.no_intent + report.stories_skipped:
                print(f"note: {line}")
            for name in report.files:
                print(f"wrote {args.root / name}")
    except auth.UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
