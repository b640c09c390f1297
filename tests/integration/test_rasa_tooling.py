"""Rasa's own checks: data validation and test stories against the trained model."""

import subprocess
import sys
from pathlib import Path

from bot import paths

RASA = str(Path(sys.executable).with_name("rasa"))


def test_data_validates_without_warnings():
    result = subprocess.run([RASA, "data", "validate", "--fail-on-warnings"], cwd=paths.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_pass(model_path, tmp_path):
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(model_path), "--stories", "tests/test_stories.yml",
         "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=paths.ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
