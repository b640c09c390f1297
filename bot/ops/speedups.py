"""Rasa 3.6 hot spots the profile (``make profile``) found, made cheap without changing results.

- **Action server replies are validated against a JSON schema** on every custom action
  call with ``jsonschema.validate``, which first checks the schema itself against the
  JSON-Schema meta-schema and builds a new validator: about 40 % of the Rasa server's
  time per message here. The same schema is now compiled once; the same replies pass
  and fail, with the same error. Each event of a reply is also checked against the one
  event type its ``event`` names instead of trying all 23 (``oneOf``); anything that
  does not pass that way goes through the full schema, which gives Rasa's error.
- **Event types are looked up by walking every subclass of Event** (with
  ``inspect.isabstract`` on each) for every event read back from the conversation
  store: a conversation of 200 events costs 200 walks per message. The lookup is now a
  dictionary, rebuilt when a type is not found (a class imported later).
- **JSON for action calls** is written with ujson (``bot.ops.fast_json``): the same
  JSON values, about three times faster.
- **SQLite commits** (the default conversation store) wrote a rollback journal and
  synced three times per turn; in write-ahead-log mode a commit is one append and one
  sync (``synchronous=FULL``: a committed turn survives a power cut too), and readers
  such as the review console no longer block the bot's writes.
- **The events that count** (``applied_events``) are extended as events arrive instead
  of being folded again from the first event each time (``bot.ops.applied_events``).
- **The policies' state history** (``states_for_tracker_history``) is continued from
  the last prediction instead of replaying the conversation again
  (``bot.ops.tracker_states``).

Conversations are also kept in memory between messages by the conversation store
itself (``bot.ops.tracker_cache``).

``install()`` applies these in the Rasa server process (the REST channel calls it).
"""

from __future__ import annotations

from typing import Any

from bot.ops import applied_events, fast_json, tracker_states

_installed = False


def _install_action_result_validator() -> None:
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as action_module

    spec = action_module.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    validator = validator_class(spec)
    quick = _quick_reply_check(spec, validator_class)
    original = action_module.RemoteAction._validate_action_result

    def validate(self: Any, result: dict[str, Any]) -> bool:
        if quick is not None and quick(result):
            return True
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


def _quick_reply_check(spec: dict[str, Any], validator_class: Any) -> Any:
    """A check that passes exactly the replies the full schema passes, or says "not sure".

    The schema's event item is ``{base, "oneOf": [one branch per event type]}``, each
    branch fixing ``event`` to its own constant. With the constants distinct, an event
    passes ``oneOf`` exactly when it passes the branch of its own type (every other
    branch fails on the constant), so base + that branch decides it. ``None`` when the
    schema is not of that shape (a later Rasa): then the full schema is always used.
    """
    try:
        events_schema = spec["properties"]["events"]
        item = events_schema["items"]
        branches = item["oneOf"]
        consts = [branch["properties"]["event"]["const"] for branch in branches]
    except (KeyError, TypeError):
        return None
    if len(set(consts)) != len(consts) or set(item) - {"type", "properties", "required", "oneOf"}:
        return None
    base = {key: value for key, value in item.items() if key != "oneOf"}
    per_type = {const: validator_class({**base, "allOf": [branch]})
                for const, branch in zip(consts, branches, strict=True)}
    outer = validator_class({**spec, "properties": {
        **spec["properties"], "events": {key: value for key, value in events_schema.items()
                                         if key != "items"}}})

    def check(result: Any) -> bool:
        if not outer.is_valid(result):
            return False
        for event in result.get("events", ()) if isinstance(result, dict) else ():
            kind = event.get("event") if isinstance(event, dict) else None
            type_validator = per_type.get(kind) if isinstance(kind, str) else None
            if type_validator is None or not type_validator.is_valid(event):
                return False
        return True

    return check


def _install_fast_request_json() -> None:
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.request

    async def request(self: Any, method: str = "post", subpath: str | None = None,
                      content_type: str | None = "application/json", compress: bool = False,
                      **kwargs: Any) -> Any:
        if content_type == "application/json" and "json" in kwargs and "data" not in kwargs:
            kwargs["data"] = fast_json.dumps(kwargs.pop("json")).encode("utf-8")
        return await original(self, method, subpath, content_type, compress, **kwargs)

    request.__doc__ = original.__doc__
    EndpointConfig.request = request


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
    """Apply them all (idempotent)."""
    global _installed
    if _installed:
        return
    applied_events.install()
    tracker_states.install()
    _install_action_result_validator()
    _install_event_type_lookup()
    _install_fast_request_json()
    _install_sqlite_wal()
    _installed = True
