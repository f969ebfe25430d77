"""A safety net for messages in distress: violence, suicidal thoughts, a child in danger,
a medical emergency, a fire.

Whatever else a message asks, a distress cue (``distress_cues.yml``) makes it an
``emergency`` so that the emergency numbers come first. The kinds found travel as
``urgence`` entities so the answer gives the right numbers. DIET's ``emergency`` intent
catches what the cues miss.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.text import fold

CUES_FILE = Path(__file__).with_name("distress_cues.yml")
EMERGENCY = "emergency"


def load_cues(path: Path = CUES_FILE) -> Dict[str, re.Pattern]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        kind: re.compile(r"\b(" + "|".join(re.escape(fold(cue)) for cue in cues) + r")\b")
        for kind, cues in raw.items()
    }


def distress_kinds(text: str, cues: Dict[str, re.Pattern]) -> List[str]:
    """The kinds of distress a message expresses, most urgent first."""
    folded = fold(text)
    return [kind for kind, pattern in cues.items() if pattern.search(folded)]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class DistressDetector(GraphComponent):
    """Turns messages with distress cues into ``emergency`` (see module docstring)."""

    def __init__(self, cues: Dict[str, re.Pattern]) -> None:
        self.cues = cues

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DistressDetector":
        return cls(load_cues())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            kinds = distress_kinds(message.get(TEXT) or "", self.cues)
            if not kinds:
                continue
            entities = [
                {"entity": "urgence", "value": kind, "start": 0, "end": 0,
                 "confidence_entity": 1.0, "extractor": type(self).__name__}
                for kind in kinds
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            # Also when the model already ranks emergency first: its confidence may be under
            # the fallback threshold, and a cue is enough.
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT, {"name": EMERGENCY, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{"name": EMERGENCY, "confidence": 1.0}]
                + [item for item in ranking if item.get("name") != EMERGENCY],
                add_to_output=True,
            )
        return messages
