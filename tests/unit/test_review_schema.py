"""The console's migrations on SQLite and PostgreSQL: a fresh store, stores made by create_all
before migrations (adopted without losing a row), and models that agree with the migrations."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot import paths
from bot.ops.env import process_env
from bot.review import db, schema

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
FIRST_RELEASE_ONLY = {"console_conversation_weeks", "console_corrections"}  # added by revision 0002


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.engine.Engine]:
    """An empty store of each kind; on PostgreSQL a database of its own, dropped afterwards."""
    if request.param == "sqlite":
        store = db.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        yield store
        store.dispose()
        return
    name = f"les_schema_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    store = db.make_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
    try:
        yield store
    finally:
        store.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def differences(engine: sa.engine.Engine, metadata: sa.MetaData = db.metadata) -> list:
    """What `alembic check` would report: the models against the database's console tables."""
    with engine.connect() as connection:
        options = {k: v for k, v in schema.CONTEXT_OPTIONS.items() if k != "render_as_batch"}
        return compare_metadata(MigrationContext.configure(connection, opts=options), metadata)


def tables(engine: sa.engine.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def rasa_events_with_one_row(engine: sa.engine.Engine) -> None:
    db.rasa_metadata.create_all(engine)  # as Rasa's SQLTrackerStore makes it
    with engine.begin() as connection:
        connection.execute(db.events.insert().values(sender_id="s1", type_name="user", timestamp=1.0,
                                                     data="{}"))


def some_rows(engine: sa.engine.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(db.users.insert().values(username="ann", password_hash="x", role="admin",
                                                    active=True, created_at=1.0))
        connection.execute(db.notes.insert().values(sender_id="s1", author="ann", text="call back",
                                                    created_at=2.0))


def test_a_fresh_store_migrates_to_head_and_matches_the_models(engine):
    rasa_events_with_one_row(engine)
    schema.upgrade(engine)
    assert schema.current(engine) == schema.head()
    assert tables(engine) == {t.name for t in db.metadata.sorted_tables} | {"events", schema.VERSION_TABLE}
    assert differences(engine) == []
    with engine.connect() as connection:
        command.check(schema.config(connection))  # raises if the models and migrations differ
        assert connection.execute(sa.select(sa.func.count()).select_from(db.events)).scalar() == 1
    schema.upgrade(engine)  # every start does it: the second time there is nothing to do
    assert schema.current(engine) == schema.head()


def test_a_store_made_by_create_all_is_adopted_without_losing_rows(engine):
    db.metadata.create_all(engine)  # what the console did on start before migrations
    some_rows(engine)
    schema.upgrade(engine)
    assert schema.current(engine) == schema.head()
    assert differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(sa.select(db.users.c.username)).scalars().all() == ["ann"]
        assert connection.execute(sa.select(db.notes.c.text)).scalars().all() == ["call back"]


def test_a_store_of_the_first_release_gets_the_tables_added_since(engine):
    first_release = [t for t in db.metadata.sorted_tables if t.name not in FIRST_RELEASE_ONLY]
    db.metadata.create_all(engine, tables=first_release)
    some_rows(engine)
    with engine.connect() as connection:
        assert schema.unversioned_revision(connection) == "0001"
    schema.upgrade(engine)
    assert tables(engine) >= FIRST_RELEASE_ONLY and differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(sa.select(db.users.c.username)).scalars().all() == ["ann"]


def test_the_comparison_sees_a_model_change_that_has_no_migration(engine):
    schema.upgrade(engine)
    changed = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    sa.Table("console_notes", changed, sa.Column("pinned", sa.Boolean), extend_existing=True)
    assert [d[0] for d in differences(engine, changed)] == ["add_column"]


def test_the_alembic_command_checks_the_store_the_bot_uses(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    schema.upgrade(db.make_engine(url))
    alembic = [sys.executable, "-m", "alembic", "-c", str(paths.ROOT / "bot" / "review" / "alembic.ini")]
    env = process_env(LES_TRACKER_DB_URL=url)
    check = subprocess.run([*alembic, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "No new upgrade operations detected" in check.stdout + check.stderr, \
        check.stderr
    current = subprocess.run([*alembic, "current"], env=env, capture_output=True, text=True, timeout=120)
    assert f"{schema.head()} (head)" in current.stdout, current.stderr
