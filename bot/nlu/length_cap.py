"""Cap the length of a message before the rest of the pipeline sees it.

A 10 000-character message costs seconds in spaCy and DIET, and nobody asks a question in
more than a few hundred characters: the pipeline reads the first ``max_characters``; the
full text stays in the tracker.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def cap_text(text: str, max_characters: int) -> str:
    """The first ``max_characters`` of ``text``, cut at a word boundary when possible."""
    if len(text) <= max_characters:
        return text
    cut = text[:max_characters]
    space = cut.rfind(" ")
    return cut[:space] if space > max_characters // 2 else cut


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class MessageLengthCap(GraphComponent):
    """Truncates message text to ``max_characters`` (first component of the pipeline)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"max_characters": 600}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.max_characters = int(config["max_characters"])

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageLengthCap":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_characters:
                message.set(TEXT, cap_text(text, self.max_characters))
        return messages
