"""One settings module: every environment setting is declared in bot/common/settings.py,
documented for operators, and read nowhere else."""

import re
from pathlib import Path

import pytest

from bot import paths
from bot.common import settings

# Modules that may touch os.environ: the settings module itself, bot/paths.py (below it:
# LES_ROOT decides where everything else is), and the tools that build a child process's
# environment (they pass it on; run.py merges .env into it and reads settings from the
# merged copy through bot/common/settings.py).
MAY_READ_ENVIRON = {"bot/common/settings.py", "bot/paths.py", "bot/ops/env.py", "bot/ops/launch.py",
                    "bot/ops/envfile.py", "bot/ops/run.py"}
_ENV_READ = re.compile(r"os\.environ|os\.getenv|environ\.get\(\s*[\"'][A-Z_]+[\"']")
_VALUE_NAMES = re.compile(r"settings\.(?:value|is_set)\(\s*[\"']([A-Z_]+)[\"']")
DOCS = ("docs/operator.md", "docs/rasa-patches.md")


def _sources() -> list[Path]:
    return sorted(p for folder in ("bot", "actions") for p in (paths.ROOT / folder).rglob("*.py"))


def test_no_module_reads_the_environment_for_a_setting():
    offenders = [str(p.relative_to(paths.ROOT)) for p in _sources()
                 if str(p.relative_to(paths.ROOT)) not in MAY_READ_ENVIRON
                 and _ENV_READ.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_name_read_is_declared():
    used = {name for p in _sources() for name in _VALUE_NAMES.findall(p.read_text(encoding="utf-8"))}
    assert used and used <= set(settings.SETTINGS)


def test_every_setting_is_documented_for_operators():
    text = "".join((paths.ROOT / doc).read_text(encoding="utf-8") for doc in DOCS)
    assert [name for name in settings.SETTINGS if name not in text] == []


def test_a_value_is_stripped_and_falls_back_to_the_default():
    assert settings.value("CONSOLE_PORT", {}) == "5080"
    assert settings.value("CONSOLE_PORT", {"CONSOLE_PORT": " 6000 "}) == "6000"
    assert settings.value("CONSOLE_PORT", {"CONSOLE_PORT": "  "}) == "5080"
    assert not settings.is_set("LES_TRACKER_DB_URL", {"LES_TRACKER_DB_URL": " "})


def test_an_undeclared_name_is_refused():
    with pytest.raises(KeyError, match="not declared"):
        settings.value("LES_NO_SUCH_SETTING", {})
