"""Load and check data/article/article.yml, the bot's single source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import paths
from bot.datafiles import read_mapping

ARTICLE_TAGS = {"ARTICLE", "MP-A", "MP-B"}
ATTRIBUTED_TAGS = {"MP-C", "OTHER"}


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class Passage:
    id: str
    section: Section
    tag: str
    text: str
    intents: tuple[str, ...]
    concepts: tuple[str, ...]
    default_for: tuple[str, ...]
    attribution: str | None
    plain: str = ""  # the plain-language version the bot sends; line breaks kept for lists
    reviewed_by: str = ""  # who checked the plain version against ``text``
    reviewed_on: str = ""

    @property
    def shown(self) -> str:
        """What the bot sends: the plain version (``text``, the source, is one step away)."""
        return self.plain or self.text

    @property
    def is_article(self) -> bool:
        """May be presented as the article's own words (ARTICLE, MP-A, MP-B)."""
        return self.tag in ARTICLE_TAGS


@dataclass(frozen=True)
class Article:
    meta: dict
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]

    def passage(self, passage_id: str) -> Passage:
        for p in self.passages:
            if p.id == passage_id:
                return p
        raise KeyError(passage_id)

    def for_intent(self, intent: str) -> list[Passage]:
        return [p for p in self.passages if intent in p.intents]


class ArticleError(ValueError):
    """The article data breaks a rule the bot relies on."""


def plain_text(raw: object) -> str:
    """A plain version with its lines kept (lists) and the spaces within each line collapsed."""
    lines = (" ".join(line.split()) for line in str(raw or "").splitlines())
    return "\n".join(line for line in lines if line)


def parse(data: dict, source: str = "article") -> Article:
    """Build and check the article; every rule broken is named in the error."""
    sections = {s["id"]: Section(s["id"], s["title"]) for s in data.get("sections") or ()}
    passages, problems, seen = [], [], set()
    for raw in data.get("passages") or ():
        pid = raw.get("id", "?")
        tag = raw.get("tag")
        section_id = str(pid).split(".", 1)[0]
        if pid in seen:
            problems.append(f"{pid}: duplicate id")
        seen.add(pid)
        if section_id not in sections:
            problems.append(f"{pid}: unknown section {section_id!r}")
            continue
        if tag not in ARTICLE_TAGS | ATTRIBUTED_TAGS:
            problems.append(f"{pid}: unknown tag {tag!r}")
        if tag in ATTRIBUTED_TAGS and not raw.get("attribution"):
            problems.append(f"{pid}: {tag} items must name their attribution")
        if tag in ATTRIBUTED_TAGS and not raw.get("sources"):
            problems.append(f"{pid}: {tag} items must list their sources")
        intents = tuple(raw.get("intents") or ())
        default = raw.get("default") or ()
        default_for = intents if default is True else tuple(default)
        if set(default_for) - set(intents):
            problems.append(f"{pid}: default for intents it does not answer")
        text = " ".join(str(raw.get("text", "")).split())
        if not text:
            problems.append(f"{pid}: empty text")
        plain = plain_text(raw.get("plain"))
        if not plain:
            problems.append(f"{pid}: no plain version")
        elif not raw.get("reviewed_by") or not raw.get("reviewed_on"):
            problems.append(f"{pid}: plain version without reviewed_by and reviewed_on")
        passages.append(Passage(
            id=pid, section=sections[section_id], tag=tag, text=text,
            intents=intents, concepts=tuple(raw.get("concepts") or ()),
            default_for=default_for, attribution=raw.get("attribution"),
            plain=plain, reviewed_by=str(raw.get("reviewed_by") or ""),
            reviewed_on=str(raw.get("reviewed_on") or ""),
        ))
    if problems:
        raise ArticleError(f"{source}: " + "; ".join(problems))
    return Article(dict(data.get("meta") or {}), tuple(sections.values()), tuple(passages))


@lru_cache(maxsize=4)
def load_article(path: Path = paths.ARTICLE_FILE) -> Article:
    """The article, read and checked once per process."""
    return parse(read_mapping(path), str(path))
