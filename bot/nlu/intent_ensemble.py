"""The final intent: DIET's ranking, a linear support-vector machine's on TF-IDF features,
and what the knowledge base recognises in the message, combined.

DIET and a linear model on word and character n-grams make different mistakes: DIET
generalises over spaCy's vectors, the linear model sticks to the surface of SMS spellings
and rare words. Their averaged probabilities beat each of them on the held-out messages
(``bench/nlu_compare.py``). A dispositif named in the message ("l'AAH", "une place en
crèche") then adds ``knowledge_bonus`` to the topic intent of its family: the knowledge
base's aliases know hundreds of names the training examples never show. The bonus is not
given against a confident request for a person or an emergency. A message that is little
more than a commune ("Carvin", "euh moi je suis sur liévin") gets ``commune_bonus`` on
``inform_commune``: the training examples cannot show all 887 communes.

The weights were chosen on a development split of the training data (15 %, never the test
sets): DIET 0.4 / linear 0.6 and a knowledge bonus of 0.45 gave both a higher macro-F1 and
fewer wrong answers than the even average with 0.3. The linear model was a logistic
regression until a linear SVM's margins, at a temperature of 5, did better on two
development splits (macro-F1 0.880 → 0.899 and 0.878 → 0.896; asked back 11.5 → 7.6 % and
12.3 → 8.1 %; wrong answers 6.0 → 6.3 % and 5.8 → 6.5 %).

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
from knowledge.text import FUNCTION_WORDS, fold

MODEL_FILE = "tfidf_logreg.skops"


def text_features() -> Any:
    """TF-IDF on words (1-2 grams) and characters (2-5 grams) of the text with its SMS
    spellings written out."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    from bot.nlu.sms_spelling import spelled_out

    return FeatureUnion(
        [
            ("words", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), preprocessor=spelled_out)),
            (
                "chars",
                TfidfVectorizer(
                    sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5), preprocessor=spelled_out
                ),
            ),
        ]
    )


def train_linear_model(texts: List[str], labels: List[str], regularisation: float) -> Any:
    """The text features, then logistic regression: the benchmark's TF-IDF baseline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        text_features(),
        # SAGA reaches the same development-split scores as L-BFGS in a fraction of its time
        # (8 s instead of 50 s on 5,616 examples). Stopping at a tolerance of 1e-2 rather
        # than 1e-3 halves that again on 7,800 examples, with the same scores (±0.001 on
        # two development splits).
        LogisticRegression(
            C=regularisation, solver="saga", tol=1e-2, max_iter=3000, random_state=0
        ),
    )
    model.fit(texts, labels)
    return fast_single_predictions(model)


def train_margin_model(texts: List[str], labels: List[str], regularisation: float) -> Any:
    """The text features, then a linear support-vector machine: the ensemble's linear model.

    On two development splits of the training data, its margins turned into probabilities
    (``margin_probabilities``) gave the ensemble a higher macro-F1 than the logistic
    regression's probabilities, with fewer messages asked back and slightly more wrong
    answers (see the module docstring); it also trains in 3 s instead of 6 s.
    """
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    model = make_pipeline(text_features(), LinearSVC(C=regularisation))
    model.fit(texts, labels)
    return fast_single_predictions(model)


def margin_probabilities(model: Any, texts: List[str], temperature: float) -> Any:
    """Softmax of the margins times ``temperature``: one row of probabilities per text.

    A margin of 0 is the decision boundary; the temperature sets how fast the probability
    of the best intent rises as its margin grows, and was chosen with the ensemble weights.
    """
    import numpy as np

    scaled = np.atleast_2d(model.decision_function(texts)) * temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exponentials = np.exp(scaled)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def fast_single_predictions(model: Any) -> Any:
    """Stores the linear model's weights column-major; the predictions are unchanged.

    Predicting multiplies the sparse features by ``coef_.T``. With ``coef_`` in row-major
    order, SciPy copies the whole transposed matrix (intents × features, about 20 MB) to
    make it contiguous, for every message: 2 of the 3 ms the linear model cost per message.
    """
    import numpy as np

    classifier = model[-1]
    classifier.coef_ = np.asfortranarray(classifier.coef_)
    return model


INFORM_COMMUNE = "inform_commune"
# Words besides the commune for a message to still be "just a commune".
MAX_WORDS_AROUND_COMMUNE = 8
# The only words allowed around it (folded): fillers and ways of saying where one lives.
PLACE_WORDS = FUNCTION_WORDS | frozenset(
    """euh ben bah bon alors oui ouais voila hein donc bonjour est suis sommes habite habites
    habitons vis vit vivons reside village ville commune cote secteur pres vers coin quartier
    perso chez""".split()
)


def names_only_a_commune(text: str, entities: List[Dict[str, Any]]) -> bool:
    """The message names a commune, no dispositif, and nothing but where one lives."""
    communes = [e for e in entities if e.get("entity") == "commune"]
    if not communes or any(e.get("entity") == "dispositif" for e in entities):
        return False
    rest = text
    for entity in sorted(communes, key=lambda e: -int(e.get("start", 0))):
        rest = rest[: int(entity.get("start", 0))] + " " + rest[int(entity.get("end", 0)) :]
    words = fold(rest).split()
    return len(words) <= MAX_WORDS_AROUND_COMMUNE and all(word in PLACE_WORDS for word in words)


def combine(
    diet: Dict[str, float],
    linear: Dict[str, float],
    bonuses: Dict[str, float],
    diet_weight: float,
    protected: List[str],
) -> List[Dict[str, Any]]:
    """The combined ranking, best first, confidences summing to 1; ``bonuses`` are what
    the knowledge base adds to some intents."""
    names = set(diet) | set(linear)
    scores = {
        name: diet_weight * diet.get(name, 0.0) + (1 - diet_weight) * linear.get(name, 0.0)
        for name in names
    }
    if scores:
        best = max(scores, key=scores.__getitem__)
        if not (best in protected and scores[best] > 0.5):
            for intent, bonus in bonuses.items():
                scores[intent] = scores.get(intent, 0.0) + bonus
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
            "diet_weight": 0.4,
            "knowledge_bonus": 0.45,
            "commune_bonus": 1.0,
            "protected_intents": ["ask_human", "request_callback", "emergency"],
            "regularisation": 1.0,
            "temperature": 5.0,
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
            model = fast_single_predictions(
                sio.load(path, trusted=sio.get_untrusted_types(file=path))
            )
        return cls(config, model_storage, resource, get_knowledge_base(), model)

    def train(self, training_data: TrainingData) -> Resource:
        import skops.io as sio

        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.model = train_margin_model(
            [m.get(TEXT) for m in examples],
            [m.get(INTENT) for m in examples],
            float(self.config["regularisation"]),
        )
        with self.model_storage.write_to(self.resource) as directory:
            sio.dump(self.model, directory / MODEL_FILE)
        return self.resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _bonuses(self, message: Message) -> Dict[str, float]:
        """What the knowledge-base entities of the message add to some intents."""
        if names_only_a_commune(message.get(TEXT) or "", message.get(ENTITIES) or []):
            return {INFORM_COMMUNE: float(self.config["commune_bonus"])}
        bonuses: Dict[str, float] = {}
        for entity in message.get(ENTITIES) or []:
            if entity.get("entity") != "dispositif":
                continue
            record = self.base.get(str(entity.get("value")))
            if record is not None:
                bonuses[record.intent] = float(self.config["knowledge_bonus"])
        return bonuses

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or self.model is None:
                continue
            diet = {
                item["name"]: float(item["confidence"])
                for item in message.get(INTENT_RANKING_KEY) or []
            }
            probabilities = margin_probabilities(
                self.model, [text], float(self.config["temperature"])
            )[0]
            linear = dict(zip(self.model.classes_, map(float, probabilities)))
            ranking = combine(
                diet,
                linear,
                self._bonuses(message),
                float(self.config["diet_weight"]),
                list(self.config["protected_intents"]),
            )[: int(self.config["ranking_length"])]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
