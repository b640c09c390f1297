"""Imports run one way: from a higher layer down to a lower one, never up or sideways.

The layers are written once, here (docs/development.md, "Packages and layers", says why
each package sits where it does). Every module under bot/, actions/, bench/, eval/,
screenshot/ and tests/ is read with ``ast`` (nothing is imported), each of its imports,
also those inside functions, resolved to a package of the list, and an import is allowed
only within one package or into a package of a lower layer. Two packages of the same layer
do not import each other. So nothing the servers run imports a tool or a test, and tests/support/ no test.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bot import paths

# Lowest first. A module belongs to the longest package name that prefixes it ("bot" is
# only bot/__init__.py: a new package under bot/ has to be placed here).
LAYERS: list[tuple[str, list[str]]] = [
    ("base", ["bot", "bot.paths", "bot.datafiles"]),
    ("shared low-level pieces", ["bot.common"]),
    ("language", ["bot.language"]),
    ("knowledge", ["bot.knowledge"]),
    ("domain", ["bot.safety", "bot.screening", "bot.plain"]),
    ("processes", ["bot.server", "bot.review", "actions"]),
    ("command-line tools", ["bot.ops"]),
    ("test helpers", ["tests.support"]),
    ("benchmarks, evaluation, screenshots", ["bench", "eval", "screenshot"]),
    ("tests", ["tests"]),
]
SOURCES = ["bot", "actions", "bench", "eval", "screenshot", "tests"]

# (importing module, imported module): why it is allowed for now. The test below fails
# when an entry is no longer needed, so the list only shrinks.
EXCEPTIONS: dict[tuple[str, str], str] = {}

RANK = {package: rank for rank, (_, packages) in enumerate(LAYERS) for package in packages}
LAYER_NAME = {package: name for name, packages in LAYERS for package in packages}


def package_of(module: str) -> str | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in RANK and (prefix != "bot" or module == "bot"):
            return prefix
    return None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(module: str, source: str, is_package: bool = False,
                     known: set[str] | frozenset[str] = frozenset()) -> Iterator[str]:
    """Every module ``module``'s source imports (``from a import b``: ``a.b`` if that is a module)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base


def violations(modules: Iterable[tuple[str, str, bool]], known: set[str]) -> list[str]:
    """``modules``: (name, source, is_package). What imports up or sideways, one line each."""
    found = []
    for module, source, is_package in modules:
        own = package_of(module)
        if own is None:
            found.append(f"{module}: in no layer (add its package to LAYERS in tests/unit/test_layers.py)")
            continue
        for target in sorted(set(imported_modules(module, source, is_package, known))):
            other = package_of(target)
            if other is None or other == own or RANK[other] < RANK[own]:
                continue
            if (module, target) in EXCEPTIONS:
                continue
            way = "sideways" if RANK[other] == RANK[own] else "up"
            found.append(f"{module} ({LAYER_NAME[own]}) imports {target} ({LAYER_NAME[other]}): {way}")
    return found


def repo_modules(root: Path = paths.ROOT) -> list[tuple[str, str, bool]]:
    files = [p for top in SOURCES if (root / top).is_dir() for p in sorted((root / top).rglob("*.py"))
             if "__pycache__" not in p.parts]
    return [(module_name(p, root), p.read_text(encoding="utf-8"), p.name == "__init__.py") for p in files]


@pytest.fixture(scope="module")
def modules() -> list[tuple[str, str, bool]]:
    return repo_modules()


def test_imports_run_down_the_layers(modules):
    known = {name for name, _, _ in modules}
    assert violations(modules, known) == []


def test_every_exception_is_still_needed(modules):
    used = {(name, target) for name, source, is_package in modules
            for target in imported_modules(name, source, is_package, {n for n, _, _ in modules})}
    assert [pair for pair in EXCEPTIONS if pair not in used] == []


def test_the_check_catches_an_upward_a_sideways_and_an_unplaced_import():
    known = {"bot.server.channels.rest", "bot.knowledge.answer", "bot.screening.summary",
             "tests.support.servers"}
    fake = [
        ("bot.knowledge.answer", "from bot.server.channels.rest import clean_text\n", False),
        ("bot.safety.detect", "def f():\n    from bot.screening import summary\n", False),
        ("bot.language.pipeline", "from ..review import app\n", False),
        ("bot.newthing.x", "import os\n", False),
        ("bot.server.channels.rest", "from bot.knowledge.answer import answer\n", False),
        ("bot.review.app", "from tests.support import servers\n", False),
        ("tests.support.checks", "import tests.unit.test_answer\n", False),
    ]
    found = violations(fake, known)
    assert found == [
        "bot.knowledge.answer (knowledge) imports bot.server.channels.rest (processes): up",
        "bot.safety.detect (domain) imports bot.screening.summary (domain): sideways",
        "bot.language.pipeline (language) imports bot.review (processes): up",
        "bot.newthing.x: in no layer (add its package to LAYERS in tests/unit/test_layers.py)",
        "bot.review.app (processes) imports tests.support.servers (test helpers): up",
        "tests.support.checks (test helpers) imports tests.unit.test_answer (tests): up",
    ], found


def test_relative_imports_resolve_from_the_module_or_the_package():
    assert list(imported_modules("bot.review.app", "from . import auth\n", known={"bot.review.auth"})) \
        == ["bot.review.auth"]
    assert list(imported_modules("bot.review", "from .auth import x\n", is_package=True)) \
        == ["bot.review.auth"]


def test_the_action_server_loads_neither_spacy_nor_tensorflow():
    """The action server's memory and start time stay small: its modules read the NLU's
    output (entities, red flags, the language mark), never the pipeline that made it."""
    code = ("import sys, pkgutil, importlib, actions\n"
            "for m in pkgutil.iter_modules(actions.__path__): importlib.import_module('actions.' + m.name)\n"
            "print(sorted(n for n in ('spacy', 'tensorflow', 'rasa') if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=str(paths.ROOT), env={**os.environ, "PYTHONPATH": str(paths.ROOT)})
    assert result.stdout.strip() == "[]"
