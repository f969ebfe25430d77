"""bench.crossval_summary: Rasa's pooled cross-validation report, summarised."""

from __future__ import annotations

from bench.crossval_summary import summary

REPORT = {
    "ask_rsa": {"precision": 1.0, "recall": 0.9, "f1-score": 0.947, "support": 10},
    "ask_apa": {"precision": 0.8, "recall": 1.0, "f1-score": 0.889, "support": 8},
    "nlu_fallback": {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0},
    "accuracy": 0.944,
    "macro avg": {"precision": 0.9, "recall": 0.95, "f1-score": 0.918, "support": 18},
    "weighted avg": {"precision": 0.91, "recall": 0.944, "f1-score": 0.92, "support": 18},
}


def test_summary_reports_the_pooled_scores_and_the_weakest_intent_first():
    lines = summary(REPORT, folds=3)
    text = "\n".join(lines)
    assert "| 0.918 | 0.920 | 0.944 |" in text
    assert "18 examples, 3 labels" in text
    rows = [line for line in lines if line.startswith("| ask_")]
    assert rows[0].startswith("| ask_apa | 0.889")
    assert not any(line.startswith("| nlu_fallback") for line in lines)  # predicted, never expected
