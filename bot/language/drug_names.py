"""Medicine names for the relevance gate, from the drug-named-entity-recognition package.

The package ships a dictionary of about 100,000 drug names and brands (DrugBank,
MedlinePlus, Wikipedia) inside its wheel; loading it takes about 300 MB, so
``python -m bot.language.drug_names`` (run by ``make pipeline``) writes just the
names to build/drug_names.txt, which the action server reads in a few megabytes.
"""

from __future__ import annotations

import bz2
import importlib.util
import logging
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from bot import paths

DRUG_NAMES_FILE = paths.BUILD / "drug_names.txt"
logger = logging.getLogger(__name__)
# Shorter names ("ace", "pot") are everyday words far more often than medicines.
MIN_LENGTH = 4


def _package_dictionary() -> dict:
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or spec.origin is None:
        raise SystemExit("drug-named-entity-recognition is not installed: run `make install`")
    path = Path(spec.origin).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as handle:
        return pickle.load(handle)


def build(out: Path = DRUG_NAMES_FILE) -> int:
    """Write the lower-case names, one per line; return how many."""
    variants = _package_dictionary()["drug_variant_to_canonical"]
    names = sorted({v.strip().lower() for v in variants if len(v.strip()) >= MIN_LENGTH})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("\n".join(names) + "\n", encoding="utf-8")
    tmp.replace(out)
    return len(names)


@lru_cache(maxsize=1)
def drug_names(path: Path = DRUG_NAMES_FILE) -> frozenset[str]:
    """The names written by build() (built now, once, if `make pipeline` has not run)."""
    if not path.exists():
        logger.warning("%s is missing; building it from the drug dictionary (make pipeline does this)", path)
        build(path)
    return frozenset(line for line in path.read_text(encoding="utf-8").splitlines() if line)


def main() -> int:
    count = build()
    print(f"wrote {count} medicine names to {DRUG_NAMES_FILE}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
