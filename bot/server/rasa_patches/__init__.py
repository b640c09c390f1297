"""Every change this bot makes to Rasa's (and python-engineio's) private internals.

``install()`` applies them, once, in the Rasa server process (``python -m bot.server``
calls it first). It checks what each patch was written against (registry.py): the
installed versions and the signature of every name a patch replaces or calls. A
resilience patch that does not fit stops the start with a message saying what to do;
a speed patch that does not fit is left out with a warning (Rasa's own code is then
used, which is correct, only slower). ``LES_PATCHES_OFF=name[,name]`` switches units
off one by one (for measuring each; docs/rasa-patches.md).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.common import settings
from bot.server.rasa_patches.registry import PATCHES, RESILIENCE, SIGNATURES, VERSIONS, Patch

logger = logging.getLogger(__name__)

OFF_ENV = "LES_PATCHES_OFF"
DOC = "docs/rasa-patches.md"


class Refused(RuntimeError):
    """A patch the bot must not run without does not fit the installed packages."""


@dataclass
class Status:
    """What ``install()`` did: active units, units switched off, speed units left out (why)."""

    active: list[str] = field(default_factory=list)
    off: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"{len(self.active)} of {len(PATCHES)} active ({', '.join(self.active) or 'none'})"
        if self.off:
            text += f"; switched off by {OFF_ENV}: {', '.join(self.off)}"
        if self.left_out:
            text += f"; left out (do not fit): {', '.join(self.left_out)}"
        return text


_status: Status | None = None


def installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def resolve(target: str) -> Any:
    """The object named ``"module:Qual.name"`` (AttributeError/ImportError if it is gone)."""
    module_name, _, qualname = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def signature(obj: Any) -> str:
    """``inspect.signature`` as text; for an applied patch, the original's (``__wrapped__``)."""
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(no signature)"


def mismatches(patch: Patch, version_of: Callable[[str], str | None] = installed_version,
               signatures: Mapping[str, str] = SIGNATURES) -> list[str]:
    """What about the installed packages differs from what ``patch`` was written for."""
    found: list[str] = []
    for distribution in patch.packages:
        have, want = version_of(distribution), VERSIONS[distribution]
        if have != want:
            found.append(f"{distribution} {have or '(not installed)'} is installed; "
                         f"the patch was written for {distribution}=={want}")
    for target in (*patch.replaces, *patch.uses):
        try:
            have = signature(resolve(target))
        except (ImportError, AttributeError):
            found.append(f"{target} no longer exists")
            continue
        expected = signatures.get(target)
        if have != expected:
            found.append(f"{target} has the signature {have}; the patch expects {expected}")
    return found


def switched_off(environ: Mapping[str, str] | None = None) -> set[str]:
    """The unit names in LES_PATCHES_OFF; ValueError for a name that is no unit (a typo)."""
    names = {name.strip() for name in settings.value(OFF_ENV, environ).split(",") if name.strip()}
    unknown = names - {patch.name for patch in PATCHES}
    if unknown:
        raise ValueError(f"{OFF_ENV} names no such patch: {', '.join(sorted(unknown))} "
                         f"(the patches: {', '.join(p.name for p in PATCHES)})")
    return names


def refusal(patch: Patch, problems: Iterable[str]) -> str:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return (f"the Rasa patch '{patch.name}' does not fit the installed packages, and the bot does "
            f"not start without it: {patch.why}.\n{lines}\n"
            "What to do: install the pinned versions (make install, or pip install -r "
            "requirements.txt -c constraints.txt). To move to the new versions instead, port the "
            f"patch and run its parity test ({patch.parity_test}), then record the new versions and "
            "signatures (python -m bot.server.rasa_patches --record writes "
            "bot/server/rasa_patches/recorded.json); "
            f"see {DOC}.")


def plan(patches: Iterable[Patch] = PATCHES, off: set[str] | None = None,
         check: Callable[[Patch], list[str]] = mismatches) -> tuple[list[Patch], Status]:
    """Which units to apply; Refused (naming each) if resilience units not switched off do not fit."""
    off = switched_off() if off is None else off
    status, apply, refusals = Status(), [], []
    for patch in patches:
        if patch.name in off:
            status.off.append(patch.name)
            continue
        problems = check(patch)
        if problems and patch.kind == RESILIENCE:
            refusals.append(refusal(patch, problems))
        elif problems:
            status.left_out[patch.name] = "; ".join(problems)
        else:
            apply.append(patch)
    if refusals:
        raise Refused("\n".join(refusals))
    return apply, status


def install() -> Status:
    """Check and apply every unit not switched off (idempotent: the first call's status)."""
    global _status
    if _status is not None:
        return _status
    apply, status = plan()
    for name in status.off:
        kind = next(p.kind for p in PATCHES if p.name == name)
        logger.warning("Rasa patch %r switched off (%s)%s", name, OFF_ENV,
                       ": the bot is less safe without it" if kind == RESILIENCE else "")
    for name, problems in status.left_out.items():
        logger.warning("speed patch %r left out, Rasa's own code is used: %s (%s)", name, problems, DOC)
    for patch in apply:
        module_name, _, function = patch.apply.partition(":")
        getattr(importlib.import_module(module_name), function)()
        status.active.append(patch.name)
    _status = status
    return status


def mark(wrapper: Callable[..., Any], original: Callable[..., Any], name: str) -> Callable[..., Any]:
    """Give ``wrapper`` the original's docstring and signature (``__wrapped__``) and the unit's name."""
    wrapper.__doc__ = original.__doc__
    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    wrapper._les_patch = name  # type: ignore[attr-defined]
    return wrapper


def applied(obj: Any, name: str) -> bool:
    """Is ``obj`` already the unit ``name``'s replacement?"""
    return getattr(obj, "_les_patch", None) == name
