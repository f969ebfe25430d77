"""Keep only the ``situation`` entities that name a known situation.

DIET learns the situation entity from about a hundred annotated examples: on new wordings
it also tags words like "jsuis" or "rsa" and returns them as they are written. Such a span
names no situation, and it would hide a dispositif named at the same place from the
actions. After the ``EntitySynonymMapper`` every real situation carries one of
``SITUATIONS``; anything else is dropped here.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SITUATIONS = frozenset(
    {
        "beneficiaire_rsa",
        "demandeur_emploi",
        "etudiant",
        "handicap",
        "jeune",
        "parent",
        "retraite",
        "salarie",
    }
)


def known_situations_only(entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [
        entity
        for entity in entities
        if entity.get("entity") != "situation" or entity.get("value") in SITUATIONS
    ]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class KnownSituationsOnly(GraphComponent):
    """Drops ``situation`` entities whose value is not a known situation."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnownSituationsOnly":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            kept = known_situations_only(entities)
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
