"""Alembic's environment for the console's own tables (never Rasa's ``events``).

Run by :mod:`bot.review.schema` with an open connection, or by the ``alembic`` command
(``alembic -c bot/review/alembic.ini upgrade head``), which connects to the store that
``LES_TRACKER_DB_URL`` names (else ``build/conversations.db``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from bot.review import db, schema
from bot.review.config import database_url


def run(connection: sa.engine.Connection) -> None:
    context.configure(connection=connection, target_metadata=db.metadata, **schema.CONTEXT_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = db.make_engine(context.config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as connection:
        run(connection)
    engine.dispose()
