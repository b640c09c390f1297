"""Two speed units of ``bot.server.rasa_patches.install()``: the same results as Rasa's code, cheaper.

``action_result_validator`` compiles the action server's reply schema once, and
``event_type_lookup`` finds event classes in a table. What each replaces, why, and its
parity test: docs/rasa-patches.md.
"""

from __future__ import annotations

from typing import Any

from bot.server import rasa_patches


def install_action_result_validator() -> None:
    """RemoteAction._validate_action_result with a schema compiled once."""
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as action_module

    if rasa_patches.applied(action_module.RemoteAction._validate_action_result, "action_result_validator"):
        return
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

    action_module.RemoteAction._validate_action_result = rasa_patches.mark(
        validate, original, "action_result_validator")


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


def install_event_type_lookup() -> None:
    """Event.resolve_by_type from a table, rebuilt when a name is not in it."""
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    if rasa_patches.applied(events.Event.resolve_by_type, "event_type_lookup"):
        return
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

    events.Event.resolve_by_type = staticmethod(  # type: ignore[method-assign]
        rasa_patches.mark(resolve_by_type, original, "event_type_lookup"))
