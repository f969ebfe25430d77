"""bench.label_agreement: the second annotator's labels cover the held-out split."""

from __future__ import annotations

import pytest
import yaml

from bench.label_agreement import agreement, heldout_labels, second_labels
from bench.split_heldout import PROJECT_DIR


def test_every_heldout_message_is_labelled_twice_with_known_intents():
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    first, second = heldout_labels(), second_labels()
    assert set(first) == set(second)
    assert set(second.values()) <= set(domain["intents"])


def test_agreement_counts_only_shared_messages():
    first = {"rsa ?": "ask_rsa", "bonjour": "greet", "merci": "thanks", "apa": "ask_apa"}
    second = {"rsa ?": "ask_rsa", "bonjour": "greet", "merci": "goodbye"}
    result = agreement(first, second)
    assert (result["shared"], result["only_first"]) == (3, 1)
    assert result["accuracy"] == pytest.approx(2 / 3)
    assert result["disagreements"] == [("merci", "thanks", "goodbye")]


def test_a_line_without_intent_is_refused(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("# comment\nbonjour\tgreet\nsans tabulation\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":3:"):
        second_labels(path)
