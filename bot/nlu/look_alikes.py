"""Names that look like a dispositif's but are not: "permis de pêche" is no driving-licence
aid, "une entreprise de déménagement" no housing aid.

The models learn from words, and "permis" weighs towards the driving-licence aid wherever
it appears. Each entry of ``look_alikes.yml`` names such a look-alike; when a message has
one, the confidence given to the intents it is not moves to the intent it is (usually
``out_of_scope``), so the resident hears what the assistant can do instead of an answer
about something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.text import fold

LOOK_ALIKES_FILE = Path(__file__).with_name("look_alikes.yml")


@dataclass(frozen=True)
class LookAlike:
    name: str
    pattern: re.Pattern
    unless: Optional[re.Pattern]
    not_intents: Tuple[str, ...]
    instead: str

    def applies_to(self, folded_text: str) -> bool:
        return bool(self.pattern.search(folded_text)) and not (
            self.unless and self.unless.search(folded_text)
        )


def load_look_alikes(path: Path = LOOK_ALIKES_FILE) -> List[LookAlike]:
    return [
        LookAlike(
            name=entry["name"],
            pattern=re.compile(entry["pattern"].strip()),
            unless=re.compile(entry["unless"].strip()) if entry.get("unless") else None,
            not_intents=tuple(entry["not"]),
            instead=entry["instead"],
        )
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


def redirect(
    ranking: Sequence[Dict[str, Any]], text: str, look_alikes: Sequence[LookAlike]
) -> Optional[List[Dict[str, Any]]]:
    """The intent ranking once every look-alike in ``text`` has moved its confidence, best
    first; ``None`` when no look-alike applies."""
    folded = fold(text)
    applying = [look_alike for look_alike in look_alikes if look_alike.applies_to(folded)]
    if not applying:
        return None
    confidences = {item["name"]: float(item["confidence"]) for item in ranking}
    for look_alike in applying:
        moved = sum(confidences.pop(intent, 0.0) for intent in look_alike.not_intents)
        confidences[look_alike.instead] = confidences.get(look_alike.instead, 0.0) + moved
    return [
        {"name": name, "confidence": confidence}
        for name, confidence in sorted(confidences.items(), key=lambda item: -item[1])
    ]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LookAlikeGuard(GraphComponent):
    """Moves the confidence of look-alike names (see module docstring)."""

    def __init__(self, look_alikes: List[LookAlike]) -> None:
        self.look_alikes = look_alikes

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LookAlikeGuard":
        return cls(load_look_alikes())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            redirected = redirect(ranking, message.get(TEXT) or "", self.look_alikes)
            if redirected:
                message.set(INTENT, redirected[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, redirected, add_to_output=True)
        return messages
