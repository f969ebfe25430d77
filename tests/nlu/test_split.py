"""The held-out split stays out of the training data."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bench.split_heldout import (
    HELDOUT_FILE,
    TRAINING_DIR,
    examples_of,
    heldout_examples,
    is_heldout,
    plain_text,
)


def training_examples():
    for path in sorted(Path(TRAINING_DIR).glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in item:
                for example in examples_of(item["examples"]):
                    yield item["intent"], example


def test_no_training_example_belongs_to_the_heldout_split():
    leaked = [example for _, example in training_examples() if is_heldout(example)]
    assert leaked == [], "run `python bench/split_heldout.py` to move them"


def test_heldout_is_at_least_15_percent_and_disjoint():
    train = {plain_text(example).lower() for _, example in training_examples()}
    heldout = [plain_text(example).lower() for _, example in heldout_examples()]
    assert len(heldout) >= 0.15 * (len(heldout) + len(train))
    assert not set(heldout) & train


def test_the_split_rule_is_stable():
    assert is_heldout("comment demander le RSA ?") == is_heldout("comment demander le [RSA](dispositif) ?")


def comparable(text: str) -> str:
    """Case and punctuation aside: "Bonsoir madame !" is "bonsoir madame"."""
    return " ".join(re.findall(r"\w+", text.lower()))


def test_no_realistic_or_blind_message_is_a_training_example():
    train = {comparable(plain_text(example)) for _, example in training_examples()}
    messages = []
    for name in ("realistic.yml", "blind.yml"):
        messages += yaml.safe_load((HELDOUT_FILE.parent / name).read_text(encoding="utf-8"))["messages"]
    trained_on = [message["text"] for message in messages if comparable(message["text"]) in train]
    assert trained_on == [], "a test message must not be in data/nlu"


def test_no_heldout_message_has_two_intents():
    intents = {}
    for intent, example in heldout_examples():
        intents.setdefault(plain_text(example).lower(), set()).add(intent)
    assert {text: labels for text, labels in intents.items() if len(labels) > 1} == {}
