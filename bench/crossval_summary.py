"""Summarise Rasa's cross-validation (``make crossval``) into ``bench/results/crossval.md``.

``rasa test nlu --cross-validation`` pools the predictions of every test fold and writes
``intent_report.json`` (scikit-learn's classification report) in its output directory.
This script reads it and writes macro-F1, weighted F1, accuracy and the weakest intents.

    .venv/bin/python bench/crossval_summary.py var/crossval
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULT_FILE = PROJECT_DIR / "bench" / "results" / "crossval.md"
AGGREGATES = ("accuracy", "macro avg", "weighted avg", "micro avg")


def summary(report: Dict[str, Any], folds: int) -> List[str]:
    intents = {name: value for name, value in report.items() if name not in AGGREGATES}
    support = sum(int(value["support"]) for value in intents.values())
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score"))
    lines = [
        "# NLU: Rasa cross-validation",
        "",
        f"`rasa test nlu --cross-validation --folds {folds}` with `config.yml` on `data/nlu` "
        f"({support} examples, {len(intents)} labels predicted or expected); every example is "
        "predicted once, by the model trained on the other folds. As Rasa scores it, a message "
        "that fell back counts with the intent ranked first under `nlu_fallback` (the benchmark "
        "of `make bench-nlu` counts it as an error).",
        "",
        "| macro-F1 | weighted F1 | accuracy |",
        "| ---: | ---: | ---: |",
        f"| {report['macro avg']['f1-score']:.3f} | {report['weighted avg']['f1-score']:.3f} | "
        f"{float(accuracy):.3f} |",
        "",
        "## Weakest intents",
        "",
        "| intent | F1 | precision | recall | examples |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    weakest = sorted(
        ((name, value) for name, value in intents.items() if int(value["support"]) > 0),
        key=lambda item: item[1]["f1-score"],
    )[:12]
    lines += [
        f"| {name} | {value['f1-score']:.3f} | {value['precision']:.3f} | {value['recall']:.3f} | "
        f"{int(value['support'])} |"
        for name, value in weakest
    ]
    return lines


def main(directory: str = "var/crossval", folds: int = 3) -> int:
    report_file = Path(directory) / "intent_report.json"
    if not report_file.exists():
        print(f"{report_file} not found: run `make crossval` first", file=sys.stderr)
        return 1
    report = json.loads(report_file.read_text(encoding="utf-8"))
    RESULT_FILE.write_text("\n".join(summary(report, folds)) + "\n", encoding="utf-8")
    print(RESULT_FILE.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
