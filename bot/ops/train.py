"""Train the Rasa model only when its inputs changed.

The model is named after a fingerprint of everything that shapes it (config,
domain, training data, the lexicons and the code of the custom NLU components),
so ``make run`` and the tests reuse a model as long as nothing changed, and a
changed lexicon is never served by a stale model.

    python -m bot.ops.train            # train if needed, print the model path
    python -m bot.ops.train --path     # only print where the model is/would be
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

from bot import paths
from bot.ops.env import process_env

MODELS = paths.ROOT / "models"
# What `rasa train` reads, named: by default it reads every YAML file under data/, and
# data/learned/ (the message model's own examples) would reach the intent classifier
# without being part of the fingerprint.
TRAINING_DATA = ["data/nlu", "data/stories"]
INPUTS = [
    "config.yml", "domain.yml", *TRAINING_DATA, "data/lexicon",
    "bot/safety",
    "bot/language",
]


def _files(root: Path) -> list[Path]:
    found = []
    for name in INPUTS:
        path = root / name
        if path.is_dir():
            found += [p for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
        elif path.is_file():
            found.append(path)
    return found


def fingerprint(root: Path = paths.ROOT) -> str:
    """A short hash of every training input's path and content."""
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(root: Path = paths.ROOT, out: Path = MODELS) -> Path:
    return out / f"les-{fingerprint(root)}.tar.gz"


def train(root: Path = paths.ROOT, out: Path = MODELS) -> Path:
    """Train into ``out`` (models/) unless a model for these inputs exists; return its path.

    ``root`` and ``out`` let a test train a copy of the project (e.g. with reviewed
    corrections exported into it) without touching the repository's data or models.
    """
    target = model_path(root, out)
    if target.exists():
        print(f"model is up to date: {target.relative_to(root)}", file=sys.stderr)
        return target
    print(f"training data or config changed: training {target.name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    env = process_env(root)
    subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "train", "--data", *TRAINING_DATA,
         "--fixed-model-name", target.name.removesuffix(".tar.gz"), "--out", str(out)],
        cwd=root, env=env, check=True,
    )
    print(f"trained in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the model if its inputs changed.")
    parser.add_argument("--path", action="store_true", help="print the model path, do not train")
    args = parser.parse_args(argv)
    print(model_path() if args.path else train())
    return 0


if __name__ == "__main__":
    sys.exit(main())
