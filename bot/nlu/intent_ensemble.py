"""The final intent: DIET's ranking, a TF-IDF + logistic-regression classifier's, and what
the knowledge base recognises in the message, combined.

DIET and a linear model on word and character n-grams make different mistakes: DIET
generalises over spaCy's vectors, the linear model sticks to the surface of SMS spellings
and rare words. Their averaged probabilities beat each of them on the held-out messages
(``bench/nlu_compare.py``). A dispositif named in the message ("l'AAH", "une place en
crèche") then adds ``knowledge_bonus`` to the topic intent of its family: the knowledge
base's aliases know hundreds of names the training examples never show. The bonus is not
given against a confident request for a person or an emergency. A message that is little
more than a commune ("Carvin", "euh moi je suis sur liévin") lifts ``inform_commune`` the
same way: the training examples cannot show all 887 communes.

Runs after ``DIETClassifier`` and ``KnowledgeEntityExtractor``, before the
``FallbackClassifier``, which then judges the combined confidence.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.base import KnowledgeBase, get_knowledge_base

MODEL_FILE = "tfidf_logreg.skops"


def train_linear_model(texts: List[str], labels: List[str], regularisation: float) -> Any:
    """TF-IDF on words (1-2 grams) and characters (2-5 grams), then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    model = make_pipeline(
        FeatureUnion(
            [
                ("words", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))),
                ("chars", TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5))),
            ]
        ),
        LogisticRegression(C=regularisation, max_iter=3000),
    )
    model.fit(texts, labels)
    return model


INFORM_COMMUNE = "inform_commune"
# Words besides the commune (spoken fillers aside) for a message to still be "just a commune".
MAX_WORDS_AROUND_COMMUNE = 4
FILLERS = frozenset({"euh", "ben", "bah", "bon", "alors", "oui", "voilà", "hein", "donc"})


def names_only_a_commune(text: str, entities: List[Dict[str, Any]]) -> bool:
    """The message names a commune, no dispositif, and hardly anything else."""
    communes = [e for e in entities if e.get("entity") == "commune"]
    if not communes or any(e.get("entity") == "dispositif" for e in entities):
        return False
    rest = text
    for entity in sorted(communes, key=lambda e: -int(e.get("start", 0))):
        rest = rest[: int(entity.get("start", 0))] + " " + rest[int(entity.get("end", 0)) :]
    words = [word for word in rest.lower().split() if word.strip(",.!?") not in FILLERS]
    return len(words) <= MAX_WORDS_AROUND_COMMUNE


def combine(
    diet: Dict[str, float],
    linear: Dict[str, float],
    families: List[str],
    diet_weight: float,
    knowledge_bonus: float,
    protected: List[str],
) -> List[Dict[str, Any]]:
    """The combined ranking, best first, confidences summing to 1."""
    names = set(diet) | set(linear)
    scores = {
        name: diet_weight * diet.get(name, 0.0) + (1 - diet_weight) * linear.get(name, 0.0)
        for name in names
    }
    if scores:
        best = max(scores, key=scores.__getitem__)
        if not (best in protected and scores[best] > 0.5):
            for family in families:
                scores[family] = scores.get(family, 0.0) + knowledge_bonus
    total = sum(scores.values()) or 1.0
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return [{"name": name, "confidence": score / total} for name, score in ranked]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class IntentEnsembleClassifier(GraphComponent, IntentClassifier):
    """Sets ``intent`` and ``intent_ranking`` from DIET, a linear model and the knowledge
    base (see module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "diet_weight": 0.5,
            "knowledge_bonus": 0.3,
            "protected_intents": ["ask_human", "request_callback", "emergency"],
            "regularisation": 10.0,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        base: KnowledgeBase,
        model: Optional[Any] = None,
    ) -> None:
        self.config = config
        self.model_storage = model_storage
        self.resource = resource
        self.base = base
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentEnsembleClassifier":
        return cls(config, model_storage, resource, get_knowledge_base())

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "IntentEnsembleClassifier":
        import skops.io as sio

        with model_storage.read_from(resource) as directory:
            path = directory / MODEL_FILE
            model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        return cls(config, model_storage, resource, get_knowledge_base(), model)

    def train(self, training_data: TrainingData) -> Resource:
        import skops.io as sio

        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.model = train_linear_model(
            [m.get(TEXT) for m in examples],
            [m.get(INTENT) for m in examples],
            float(self.config["regularisation"]),
        )
        with self.model_storage.write_to(self.resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)
        return self.resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _families(self, message: Message) -> List[str]:
        """Intents a knowledge-base entity of the message points to."""
        if names_only_a_commune(message.get(TEXT) or "", message.get(ENTITIES) or []):
            return [INFORM_COMMUNE]
        families: List[str] = []
        for entity in message.get(ENTITIES) or []:
            if entity.get("entity") != "dispositif":
                continue
            record = self.base.get(str(entity.get("value")))
            if record is not None and record.intent not in families:
                families.append(record.intent)
        return families

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or self.model is None:
                continue
            diet = {
                item["name"]: float(item["confidence"])
                for item in message.get(INTENT_RANKING_KEY) or []
            }
            probabilities = self.model.predict_proba([text])[0]
            linear = dict(zip(self.model.classes_, map(float, probabilities)))
            ranking = combine(
                diet,
                linear,
                self._families(message),
                float(self.config["diet_weight"]),
                float(self.config["knowledge_bonus"]),
                list(self.config["protected_intents"]),
            )[: int(self.config["ranking_length"])]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
