"""Rasa 3.6 hot spots the profile (``make profile``) found, made cheap without changing results.

- **Action server replies are validated against a JSON schema** on every custom action
  call with ``jsonschema.validate``, which first checks the schema itself against the
  JSON-Schema meta-schema and builds a new validator: about 40 % of the Rasa server's
  time per message here. The same schema is now compiled once; the same replies pass
  and fail, with the same error.
- **Event types are looked up by walking every subclass of Event** (with
  ``inspect.isabstract`` on each) for every event read back from the conversation
  store: a conversation of 200 events costs 200 walks per message. The lookup is now a
  dictionary, rebuilt when a type is not found (a class imported later).

- **SQLite commits** (the default conversation store) wrote a rollback journal and
  synced three times per turn; in write-ahead-log mode a commit is one append and one
  sync (``synchronous=FULL``: a committed turn survives a power cut too), and readers
  such as the review console no longer block the bot's writes.

``install()`` applies these in the Rasa server process (the REST channel calls it).
"""

from __future__ import annotations

from typing import Any

_installed = False


def _install_action_result_validator() -> None:
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as action_module

    spec = action_module.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    validator = validator_class(spec)
    original = action_module.RemoteAction._validate_action_result

    def validate(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))  # what jsonschema.validate raises
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{action_module.DOCS_BASE_URL}/custom-actions"
        )
        raise error

    validate.__doc__ = original.__doc__
    action_module.RemoteAction._validate_action_result = validate


def _install_event_type_lookup() -> None:
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    table: dict[str, type] = {}

    def refresh() -> None:
        table.clear()
        for cls in all_subclasses(events.Event):  # first match wins, as in Rasa
            table.setdefault(cls.type_name, cls)

    original = events.Event.resolve_by_type

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = table.get(type_name)
        if cls is None:
            refresh()
            cls = table.get(type_name)
        if cls is not None:
            return cls
        return original(type_name, default)  # Rasa's own answer for unknown names

    events.Event.resolve_by_type = staticmethod(resolve_by_type)


def _install_sqlite_wal() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def wal(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()


def install() -> None:
    """Apply all three (idempotent)."""
    global _installed
    if _installed:
        return
    _install_action_result_validator()
    _install_event_type_lookup()
    _install_sqlite_wal()
    _installed = True
