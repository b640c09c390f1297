"""Every relative link in README.md and docs/*.md points at a file that exists, and every
#anchor at a heading of the file it names (GitHub's heading ids)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import paths

DOCS = [paths.ROOT / "README.md", *sorted((paths.ROOT / "docs").glob("**/*.md"))]
# Written on another branch (the Rasa extensions' page): checked like the rest once it exists.
PENDING = {paths.ROOT / "docs" / "rasa-patches.md"}
# Git-ignored reports the docs link to, written by make eval / bench / soak / bench-console
# (tests/unit/test_report_files.py shows the eval and console ones are written).
GENERATED = {paths.ROOT / "reports" / name for name in (
    "eval.md", "readability.md", "review-quality.csv", "bench/bench-latest.md", "bench/soak-latest.md",
    "bench/console-sqlite-latest.md", "bench/console-postgresql-latest.md")}
_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _prose(path: Path) -> list[str]:
    """The file's lines outside fenced code blocks, with inline code removed."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(re.sub(r"`[^`]*`", "", line))
    return lines


def anchors(path: Path) -> set[str]:
    """GitHub's ids for the file's headings: lower case, punctuation dropped, spaces to hyphens."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            text = match.group(2).replace("`", "").lower()
            slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def links(path: Path) -> list[str]:
    return [m.group(1) for line in _prose(path) for m in _LINK.finditer(line)]


def broken(path: Path) -> list[str]:
    problems = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, tel: ...
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            if resolved not in PENDING | GENERATED:
                problems.append(f"{target}: no such file")
            continue
        if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{target}: no heading #{anchor} in {resolved.name}")
    return problems


# Files named in code spans that are written by the console's training export (git-ignored).
EXPORTED = {"data/nlu/reviewed.yml", "tests/test_reviewed_stories.yml", "tests/eval/reviewed_set.yml",
            "tests/eval/reviewed_red_flags.yml"}
_REPO_PATH = re.compile(r"`((?:bot|actions|tests|bench|eval|screenshot|data|deploy|docs|widget)/[\w./-]+)`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_relative_links_resolve(doc):
    assert broken(doc) == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_named_repository_files_exist(doc):
    """A path in a code span (`tests/unit/test_x.py`) names a file or folder that is there."""
    named = {m.group(1) for m in _REPO_PATH.finditer(doc.read_text(encoding="utf-8"))}
    assert sorted(p for p in named - EXPORTED if not (paths.ROOT / p).exists()) == []


def test_the_checker_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## Setting it up (once)\n")
    doc = tmp_path / "doc.md"
    doc.write_text("# Title `code`\n\n[ok](other.md#setting-it-up-once) [self](#title-code) "
                   "![img](missing.png) [bad anchor](other.md#nope) [web](https://example.org/x)\n"
                   "```\n[in code](nowhere.md)\n```\nsee `[inline](nowhere.md)`\n")
    assert broken(doc) == ["missing.png: no such file", "other.md#nope: no heading #nope in other.md"]
