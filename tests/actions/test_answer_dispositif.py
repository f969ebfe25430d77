"""action_answer_dispositif on tracker snapshots: facts, sources and slots."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.answer_dispositif import ActionAnswerDispositif


def seed_refs(record, fields):
    keys = {key for field in fields for fact in getattr(record, field) for key in fact.sources}
    return {record.sources[key].ref for key in keys}


async def test_how_to_apply_for_rsa_is_answered_from_the_knowledge_base(
    tracker_from, dispatcher, domain, knowledge_base
):
    rsa = knowledge_base.get("rsa")
    events = await ActionAnswerDispositif().run(dispatcher, tracker_from("rsa_how_to_apply"), domain)

    [message] = dispatcher.messages
    for fact in rsa.demarches:
        assert fact.text in message["text"]
    metadata = message["custom"]
    assert metadata["dispositif"] == "rsa"
    assert metadata["handoff"] is False
    assert metadata["attribute"] == "demarches"
    assert {source["ref"] for source in metadata["sources"]} == seed_refs(rsa, ["demarches"])
    assert SlotSet("dispositif", "rsa") in events
    assert SlotSet("attribut", "demarches") in events


async def test_follow_ups_offer_the_next_questions_not_the_one_just_answered(
    tracker_from, dispatcher, domain
):
    await ActionAnswerDispositif().run(dispatcher, tracker_from("rsa_how_to_apply"), domain)

    [message] = dispatcher.messages
    payloads = [button["payload"] for button in message["buttons"]]
    assert "/ask_demarches" not in payloads
    assert payloads == ["/ask_conditions", "/ask_contact", "/ask_documents", "/ask_human"]


async def test_follow_up_keeps_the_dispositif_of_the_conversation(
    tracker_from, dispatcher, domain, knowledge_base
):
    rsa = knowledge_base.get("rsa")
    await ActionAnswerDispositif().run(dispatcher, tracker_from("follow_up_documents"), domain)

    [message] = dispatcher.messages
    assert message["custom"]["dispositif"] == "rsa"
    assert message["custom"]["attribute"] == "documents"
    assert rsa.documents[0].text in message["text"]


async def test_contact_depending_on_the_commune_asks_for_it(tracker_from, dispatcher, domain):
    await ActionAnswerDispositif().run(dispatcher, tracker_from("contact_without_commune"), domain)

    [message] = dispatcher.messages
    assert message["custom"]["kind"] == "ask_commune"
    assert message["custom"]["dispositif"] == "rsa"
    assert message["custom"]["sources"], "a clarifying question still cites its dispositif"
    assert "commune" in message["text"]


async def test_topic_intent_without_attribute_gives_an_overview_with_next_steps(
    tracker_from, dispatcher, domain, knowledge_base
):
    tracker = tracker_from(
        "rsa_how_to_apply",
        latest_message={
            "text": "le rsa",
            "intent": {"name": "ask_rsa", "confidence": 0.95},
            "entities": [],
        },
    )
    await ActionAnswerDispositif().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert knowledge_base.get("rsa").summary.text in message["text"]
    assert message["custom"].get("attribute") is None
    payloads = [button["payload"] for button in message["buttons"]]
    assert "/ask_demarches" in payloads and "/ask_human" in payloads


async def test_attribute_question_without_any_topic_asks_which_topic(
    tracker_from, dispatcher, domain
):
    tracker = tracker_from(
        "follow_up_documents", slots={"dispositif": None, "attribut": None}
    )
    events = await ActionAnswerDispositif().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert not message.get("custom"), "no dispositif, no metadata"
    assert message["buttons"]
    assert not any(event.get("name") == "dispositif" for event in events)
