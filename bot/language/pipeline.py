"""Build, save and load the domain spaCy pipeline.

blank ``en`` -> les_run_together ("iwanttodie" -> words) -> sentencizer (negation needs
sentences) -> les_normalizer ->
entity_ruler (LES lexicon + red flags) -> les_negex -> les_language. Everything comes from repo
data; nothing is downloaded. Rasa's ``SpacyNLP`` loads the saved folder by path.

Run ``python -m bot.language.pipeline [OUT_DIR]`` to (re)build it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from bot import paths
from bot.language import language_id, negation, normalize, run_together  # noqa: F401  (registers factories)
from bot.language.lexicon import RED_FLAG_LABEL, Lexicon, load_lexicon
from bot.language.patterns import ruler_patterns


def build(lexicon: Lexicon | None = None) -> Language:
    """A fresh pipeline from the lexicon files."""
    lexicon = lexicon or load_lexicon()
    nlp = spacy.blank("en")
    cast(run_together.RunTogetherSplitter, nlp.add_pipe("les_run_together")).build(lexicon.words)
    nlp.add_pipe("sentencizer")
    normalizer = cast(normalize.Normalizer, nlp.add_pipe("les_normalizer"))
    normalizer.add_words(lexicon.words)
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True}))
    entries = lexicon.all_entries()
    ruler.add_patterns(ruler_patterns(nlp, normalizer, entries))
    labels = sorted({label for label, _, _ in entries} | {RED_FLAG_LABEL})
    nlp.add_pipe("les_negex", config={"ent_types": labels})
    cast(language_id.LanguageGuesser, nlp.add_pipe("les_language")).build()
    nlp.meta.update(
        {
            "name": "les_en",
            "version": "1.0.0",
            "description": "LES domain pipeline: lexicon entity ruler with typo-tolerant "
            "normalisation and negation (built from repo data)",
        }
    )
    return nlp


def save(nlp: Language, out_dir: Path) -> Path:
    """Write atomically, so a running server never sees a half-written folder."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return out_dir


def load(path: Path = paths.SPACY_PIPELINE_DIR) -> Language:
    """Load a saved pipeline (the factories above are registered by import)."""
    return spacy.load(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=paths.SPACY_PIPELINE_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    lexicon = load_lexicon()
    print(f"building spaCy pipeline from {len(lexicon.concepts)} concepts and "
          f"{len(lexicon.red_flags)} red-flag categories ...", flush=True)
    nlp = build(lexicon)
    ruler = cast(EntityRuler, nlp.get_pipe("entity_ruler"))
    out = save(nlp, args.out_dir)
    print(f"saved {len(ruler.patterns)} patterns to {out} "
          f"in {time.perf_counter() - started:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
