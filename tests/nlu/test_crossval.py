"""bench.crossval: the fallback is undone as Rasa does it, without copying the message."""

from __future__ import annotations

from rasa.nlu.classifiers.fallback_classifier import undo_fallback_prediction as rasa_undo

from bench.crossval import undo_fallback_prediction

PREDICTION = {
    "text": "faut gagner moins de cb",
    "intent": {"name": "nlu_fallback", "confidence": 0.35},
    "intent_ranking": [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_conditions", "confidence": 0.31},
        {"name": "ask_montant", "confidence": 0.22},
    ],
    "entities": [],
}


def test_same_result_as_rasa():
    assert undo_fallback_prediction(PREDICTION) == rasa_undo(PREDICTION)
    assert undo_fallback_prediction(PREDICTION)["intent"]["name"] == "ask_conditions"


def test_the_parsed_message_is_left_as_it_was():
    before = {key: value for key, value in PREDICTION.items()}
    undo_fallback_prediction(PREDICTION)
    assert PREDICTION == before


def test_a_lone_fallback_stays():
    lone = {"intent": {"name": "nlu_fallback", "confidence": 1.0}, "intent_ranking": [{"name": "nlu_fallback", "confidence": 1.0}]}
    assert undo_fallback_prediction(lone) is lone
