"""Validation of the call-back form and its submission."""

from __future__ import annotations

import pytest

from actions import callback_form
from actions.callback_form import (
    ActionSubmitCallback,
    ValidateCallbackForm,
    normalise_french_phone,
)
from actions.callback_store import CallbackRepository


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("03 21 21 62 16", "+33321216216"),
        ("+33 (0)3 21 21 62 16", "+33321216216"),
        ("12345", None),
        ("06 12 34", None),
        ("+44 20 7946 0958", None),
        ("bonjour", None),
        ("", None),
    ],
)
def test_french_numbers_are_validated_and_normalised(text, expected):
    assert normalise_french_phone(text) == expected


def test_invalid_phone_is_asked_again(tracker_from, dispatcher, domain):
    result = ValidateCallbackForm().validate_callback_phone("12", dispatcher, tracker_from("follow_up_documents"), domain)
    assert result == {"callback_phone": None}
    assert "numéro" in dispatcher.messages[0]["text"]


def test_voice_caller_number_is_used_when_confirmed(tracker_from, dispatcher, domain):
    tracker = tracker_from("follow_up_documents")
    tracker.events[-1]["metadata"] = {"channel": "voice", "caller": "+33612345678"}
    result = ValidateCallbackForm().validate_callback_phone("oui", dispatcher, tracker, domain)
    assert result == {"callback_phone": "+33612345678"}


def test_cancel_stops_the_form(tracker_from, dispatcher, domain):
    result = ValidateCallbackForm().validate_callback_name("annuler", dispatcher, tracker_from("follow_up_documents"), domain)
    assert result["callback_cancelled"] is True


@pytest.fixture
def store(tmp_path, monkeypatch):
    repository = CallbackRepository(f"sqlite:///{tmp_path / 'callbacks.db'}")
    monkeypatch.setattr(callback_form, "repository", lambda: repository)
    return repository


async def test_submission_stores_once_and_gives_a_reference(tracker_from, domain, store):
    slots = {
        "callback_name": "Marie Dupont",
        "callback_phone": "+33612345678",
        "callback_subject": "RSA suspendu",
        "callback_consent": True,
    }
    dispatcher = callback_form.CollectingDispatcher()
    events = await ActionSubmitCallback().run(dispatcher, tracker_from("follow_up_documents", slots=slots), domain)
    [stored] = store.list()
    assert stored.reference in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["custom"]["handoff"] is True
    assert {"event": "slot", "timestamp": None, "name": "callback_phone", "value": None} in events

    retried = callback_form.CollectingDispatcher()
    await ActionSubmitCallback().run(retried, tracker_from("follow_up_documents", slots=slots), domain)
    assert len(store.list()) == 1
    assert stored.reference in retried.messages[0]["text"]


async def test_no_consent_stores_nothing(tracker_from, dispatcher, domain, store):
    slots = {"callback_name": "Marie", "callback_phone": "+33612345678", "callback_subject": "RSA", "callback_consent": False}
    await ActionSubmitCallback().run(dispatcher, tracker_from("follow_up_documents", slots=slots), domain)
    assert store.list() == []
    assert dispatcher.messages[0]["text"] == domain["responses"]["utter_callback_no_consent"][0]["text"]
