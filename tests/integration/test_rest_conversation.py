"""A short French conversation with the real servers over /webhooks/rest/webhook."""

from __future__ import annotations

import json
import re

import pytest

from tests.integration.conftest import metadata_of

pytestmark = pytest.mark.servers


def test_rsa_question_is_answered_from_the_knowledge_base_with_its_source(assistant, knowledge_base):
    sender = assistant.new_sender()
    rsa = knowledge_base.get("rsa")

    metadata = metadata_of(assistant.say(sender, "comment demander le RSA ?"))
    assert metadata["dispositif"] == "rsa"
    assert metadata["handoff"] is False
    assert metadata["attribute"] == "demarches"
    expected = {rsa.sources[key].ref for fact in rsa.demarches for key in fact.sources}
    assert {source["ref"] for source in metadata["sources"]} == expected

    follow_up = metadata_of(assistant.say(sender, "et il faut quels papiers ?"))
    assert follow_up["dispositif"] == "rsa"
    assert follow_up["attribute"] == "documents"

    handoff = metadata_of(assistant.say(sender, "je veux parler à quelqu'un"))
    assert handoff["handoff"] is True
    assert handoff["dispositif"] is None


@pytest.mark.parametrize(
    ("question", "dispositif"),
    [
        ("c'est quoi la PCH ?", "pch"),
        ("je voudrais une aide pour payer mon permis de conduire", "aide_permis"),
        ("comment faire du covoiturage pour aller au travail", "covoiturage"),
        ("mon propriétaire ne veut pas me rendre ma caution", "adil"),
    ],
)
def test_headline_topics(assistant, question, dispositif):
    metadata = metadata_of(assistant.say(assistant.new_sender(), question))
    assert metadata["dispositif"] == dispositif
    assert metadata["sources"]


def test_small_talk_carries_no_dispositif(assistant):
    messages = assistant.say(assistant.new_sender(), "bonjour")
    assert messages and all(not message.get("custom") for message in messages)


@pytest.mark.parametrize(
    "raw",
    [b"", b"{not json", b"\xff\xfe\x00\x01", json.dumps({"message": "bonjour"}).encode(),
     json.dumps({"sender": "x", "message": ""}).encode()],
)
def test_bad_requests_get_a_400_with_a_reason(assistant, raw):
    reply = assistant.post_raw(raw)
    assert reply.status_code == 400
    assert reply.json()["error"]


@pytest.mark.parametrize(
    "text",
    ["a" * 10_000, "😀😀😀", "<script>alert(1)</script>", "'; DROP TABLE events; --", "\u0000\u0001"],
)
def test_odd_messages_get_an_answer(assistant, text):
    messages = assistant.say(assistant.new_sender(), text)
    assert messages, "every message gets an answer"
    assert all(message.get("text") for message in messages)


@pytest.mark.parametrize(
    ("text", "first_number"),
    [
        ("mon mari me frappe j'ai peur pour les enfants", "17"),
        ("jveux en finir je supporte plus rien", "3114"),
        ("euh ma mère elle fait un malaise elle respire plus", "15"),
    ],
)
def test_distress_gets_the_emergency_numbers_first(assistant, text, first_number):
    messages = assistant.say(assistant.new_sender(), text)
    first = messages[0]
    assert first["custom"]["kind"] == "emergency" and first["custom"]["handoff"] is True
    numbers = re.findall(r"\b(1[1-9]|112|3114|3919|119)\b", first["text"])
    assert numbers and numbers[0] == first_number, first["text"]


def test_an_emergency_in_the_middle_of_a_call_back_request_comes_first(assistant):
    sender = assistant.new_sender()
    assistant.say(sender, "/request_callback")
    messages = assistant.say(sender, "il me frappe")
    assert messages[0]["custom"]["kind"] == "emergency"
