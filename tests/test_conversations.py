"""Conversation tests: Rasa's own end-to-end story evaluation on the trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
MODEL = PROJECT_DIR / "models" / "current.tar.gz"
RESULTS = PROJECT_DIR / "var" / "test-results" / "conversations"


def test_the_conversation_stories_pass():
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    result = subprocess.run(
        [
            str(RASA), "test", "core",
            "--model", str(MODEL),
            "--stories", str(PROJECT_DIR / "tests" / "stories"),
            "--out", str(RESULTS),
            "--fail-on-prediction-errors",
            "--no-plot",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = RESULTS / "failed_test_stories.yml"
    report = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, report + (result.stdout + result.stderr)[-3000:]
