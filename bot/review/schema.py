"""The console's tables are made and changed by alembic migrations (``bot/review/migrations``).

The console, its CLI and the retention command call :func:`upgrade` when they start:
a fresh database gets every migration; a database whose console tables were made by
``metadata.create_all`` (before migrations) is adopted first, stamped with the revision
its tables match and then upgraded, so no row is lost. Rasa's ``events`` table is never
touched. The version is kept in ``console_alembic_version``, apart from any other
application's alembic table in a shared database.

Hand-written, because alembic leaves it to the application: telling which revision an
unversioned database matches (from the tables it has), and on PostgreSQL an advisory
lock so that a console and a CLI starting together migrate one after the other.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
TABLE_PREFIX = "console_"
VERSION_TABLE = "console_alembic_version"
# A table each create_all-era schema had and the one before it had not, newest first.
CREATE_ALL_ERAS = (("console_corrections", "0002"), ("console_users", "0001"))
_PG_LOCK_KEY = 0x4C45535F52455649  # any constant: one migration at a time per database


def include_name(name: str | None, type_: str, _parents: dict[str, str | None]) -> bool:
    """Only the console's tables: Rasa's ``events`` and anything else in the database are not ours."""
    return type_ != "table" or bool(name and name.startswith(TABLE_PREFIX))


# How alembic compares and migrates (migrations/env.py; the tests compare the same way).
# Batch mode: SQLite cannot ALTER most things, so a change there copies the table.
CONTEXT_OPTIONS: dict[str, Any] = {"version_table": VERSION_TABLE, "include_name": include_name,
                                   "compare_type": True, "render_as_batch": True}


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the console's migrations, on ``connection`` if given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None, "no migrations"
    return revision


def current(engine: Engine) -> str | None:
    """The database's revision; None when it has none (fresh or create_all-era)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def unversioned_revision(connection: Connection) -> str | None:
    """The revision a database's console tables match when they were made without alembic."""
    tables = set(sa.inspect(connection).get_table_names())
    if VERSION_TABLE in tables:
        return None
    return next((revision for table, revision in CREATE_ALL_ERAS if table in tables), None)


def upgrade(engine: Engine) -> None:
    """Bring the console's tables to the newest revision, adopting a create_all-era database."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        cfg = config(connection)
        adopted = unversioned_revision(connection)
        if adopted:
            logger.info("console tables made before migrations: stamped as revision %s", adopted)
            command.stamp(cfg, adopted)
        command.upgrade(cfg, "head")
