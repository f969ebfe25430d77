"""Entities that come from the knowledge base rather than from training examples.

* ``dispositif``: a dispositif named in the message, by any alias of the knowledge base
  (accent-, case- and typo-tolerant); the value is its id ("la pch" -> ``pch``).
* ``commune``: a commune of the Pas-de-Calais or one of its postal codes; the value is the
  INSEE code ("jsuis a lens" -> ``62498``).
* ``age``: an age in digits or in words ("vingt-trois ans" -> 23).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.french_numbers import find_age
from knowledge.base import KnowledgeBase, get_knowledge_base
from knowledge.text import fold


_WORD = re.compile(r"[^\s\-_/.,;:!?()\"«»'’‘`´]+")


def span_of(text: str, folded_words: str) -> Tuple[int, int]:
    """Where in ``text`` the (folded) words a dispositif was recognised by are; the whole
    message if they cannot be told apart."""
    wanted = folded_words.split()
    tokens = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    for first in range(len(tokens) - len(wanted) + 1):
        run = tokens[first : first + len(wanted)]
        if wanted and [word for _, _, word in run] == wanted:
            return run[0][0], run[-1][1]
    return 0, len(text)


def knowledge_entities(text: str, base: KnowledgeBase) -> List[Dict[str, Any]]:
    """Entities of ``text`` found through the knowledge base, in Rasa's entity format."""
    entities: List[Dict[str, Any]] = []
    for match in base.find(text):
        start, end = span_of(text, match.found or match.alias)
        entities.append(
            {
                "entity": "dispositif",
                "value": match.dispositif_id,
                "start": start,
                "end": end,
                "confidence_entity": round(match.score / 100, 2),
                "text": text[start:end],
            }
        )
    for mention in base.communes.find(text):
        entities.append(
            {
                "entity": "commune",
                "value": mention.commune.insee,
                "start": mention.start,
                "end": mention.end,
                "confidence_entity": 1.0,
                "text": mention.text,
            }
        )
    age = find_age(text)
    if age is not None:
        entities.append(
            {"entity": "age", "value": age, "start": 0, "end": len(text), "confidence_entity": 1.0}
        )
    return entities


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class KnowledgeEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds ``dispositif``, ``commune`` and ``age`` entities (see module docstring)."""

    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnowledgeEntityExtractor":
        return cls(get_knowledge_base())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = self.add_extractor_name(knowledge_entities(text, self.base))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
