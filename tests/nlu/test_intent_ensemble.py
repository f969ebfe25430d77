"""bot.nlu.intent_ensemble: combining DIET, the linear model and the knowledge base."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_ensemble import (
    IntentEnsembleClassifier,
    combine,
    margin_probabilities,
    names_only_a_commune,
    train_margin_model,
)

PROTECTED = ["ask_human", "request_callback", "emergency"]


def test_the_average_decides_when_nothing_is_recognised():
    ranking = combine(
        {"ask_rsa": 0.6, "ask_emploi": 0.4}, {"ask_rsa": 0.2, "ask_emploi": 0.8}, {}, 0.5, PROTECTED
    )
    assert [item["name"] for item in ranking] == ["ask_emploi", "ask_rsa"]
    assert ranking[0]["confidence"] == pytest.approx(0.6)
    assert sum(item["confidence"] for item in ranking) == pytest.approx(1.0)


def test_a_named_dispositif_lifts_its_family():
    ranking = combine(
        {"affirm": 0.5, "ask_mdph": 0.2}, {"affirm": 0.4, "ask_mdph": 0.3}, {"ask_mdph": 0.3}, 0.5, PROTECTED
    )
    assert ranking[0]["name"] == "ask_mdph"


def test_a_confident_request_for_a_person_is_not_overruled():
    ranking = combine(
        {"ask_human": 0.9, "ask_rsa": 0.1}, {"ask_human": 0.8, "ask_rsa": 0.2}, {"ask_rsa": 0.3}, 0.5, PROTECTED
    )
    assert ranking[0]["name"] == "ask_human"


def test_nothing_to_combine_gives_an_empty_ranking():
    assert combine({}, {}, {}, 0.5, PROTECTED) == []


@pytest.fixture
def trained(tmp_path, knowledge_base):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_ensemble")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**IntentEnsembleClassifier.get_default_config()}
    component = IntentEnsembleClassifier.create(config, storage, resource, context)
    examples = [
        Message(data={"text": text, "intent": intent})
        for intent, texts in {
            "ask_rsa": ["le rsa", "demande de rsa", "revenu de solidarité active"],
            "ask_mdph": ["la mdph", "dossier mdph", "reconnaissance handicap"],
            "greet": ["bonjour", "salut", "coucou"],
        }.items()
        for text in texts
    ]
    component.train(TrainingData(examples))
    return IntentEnsembleClassifier.load(config, storage, resource, context)


def test_a_trained_model_is_saved_loaded_and_used(trained):
    [message] = trained.process(
        [Message(data={"text": "bonjour", "intent_ranking": [{"name": "ask_rsa", "confidence": 0.4}]})]
    )
    assert message.get("intent")["name"] == "greet"
    assert message.get("intent_ranking")[0] == message.get("intent")


def test_the_loaded_weights_are_column_major_and_predict_the_same(trained):
    import numpy as np

    classifier = trained.model[-1]
    assert classifier.coef_.flags["F_CONTIGUOUS"] and not classifier.coef_.flags["C_CONTIGUOUS"]
    texts = ["bonjour", "dossier mdph à lens", "jveu le rsa"]
    fast = trained.model.decision_function(texts)
    classifier.coef_ = np.ascontiguousarray(classifier.coef_)
    assert np.allclose(fast, trained.model.decision_function(texts), rtol=0, atol=1e-12)


def test_margins_become_probabilities_that_favour_the_largest_margin():
    import numpy as np

    model = train_margin_model(
        ["le rsa", "demande de rsa", "la mdph", "dossier mdph", "bonjour", "salut"],
        ["ask_rsa", "ask_rsa", "ask_mdph", "ask_mdph", "greet", "greet"],
        regularisation=1.0,
    )
    texts = ["mon dossier mdph", "bonjour"]
    probabilities = margin_probabilities(model, texts, temperature=5.0)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert list(model.classes_[probabilities.argmax(axis=1)]) == ["ask_mdph", "greet"]
    margins = model.decision_function(texts)
    assert np.array_equal(probabilities.argmax(axis=1), margins.argmax(axis=1))
    cooler = margin_probabilities(model, ["mon dossier mdph"], temperature=1.0)
    assert cooler.max() < probabilities[0].max()


def test_the_knowledge_base_entity_counts(trained):
    message = Message(
        data={
            "text": "aah",
            "intent_ranking": [{"name": "greet", "confidence": 0.6}],
            "entities": [{"entity": "dispositif", "value": "aah"}],
        }
    )
    [processed] = trained.process([message])
    assert processed.get("intent")["name"] == "ask_mdph"


def test_a_message_that_is_only_a_commune_is_inform_commune(trained):
    message = Message(
        data={
            "text": "Mazingarbe",
            "intent_ranking": [{"name": "greet", "confidence": 0.9}],
            "entities": [{"entity": "commune", "value": "62563", "start": 0, "end": 10}],
        }
    )
    [processed] = trained.process([message])
    assert processed.get("intent")["name"] == "inform_commune"
    assert processed.get("intent")["confidence"] > 0.35


def commune(text: str, name: str) -> dict:
    start = text.lower().index(name.lower())
    return {"entity": "commune", "value": "62000", "start": start, "end": start + len(name)}


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Carvin", "Carvin", True),
        ("euh moi je suis sur liévin", "liévin", True),
        ("c'est à Noeux-les-Mines", "Noeux-les-Mines", True),
        ("mon village c'est Fruges", "Fruges", True),
        ("oui alors moi c'est du côté de Béthune", "Béthune", True),
        ("je cherche un logement social pas trop cher du côté de Lens", "Lens", False),
        ("chantier insertion calais recrute ?", "calais", False),
    ],
)
def test_a_message_that_is_little_more_than_a_commune(text, name, expected):
    assert names_only_a_commune(text, [commune(text, name)]) is expected


def test_a_commune_beside_a_dispositif_is_not_only_a_commune():
    text = "le rsa à Lens"
    entities = [commune(text, "Lens"), {"entity": "dispositif", "value": "rsa", "start": 3, "end": 6}]
    assert not names_only_a_commune(text, entities)
