"""Human route and two-stage fallback."""

from __future__ import annotations

from actions.human_route import ActionHandleFallback, ActionHumanRoute, consecutive_fallbacks


async def test_first_fallback_asks_to_rephrase(tracker_from, dispatcher, domain):
    tracker = tracker_from("two_fallbacks")
    tracker.events = tracker.events[:3]
    assert consecutive_fallbacks(tracker) == 1

    await ActionHandleFallback().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["text"] == domain["responses"]["utter_ask_rephrase"][0]["text"]
    assert not message.get("custom")


async def test_first_fallback_proposes_the_likely_topics(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        "two_fallbacks",
        latest_message={
            "text": "je cherche un conseil juridique gratuit sur mon bail",
            "intent": {"name": "nlu_fallback", "confidence": 0.35},
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.35},
                {"name": "ask_adil", "confidence": 0.48},
                {"name": "ask_acces_au_droit", "confidence": 0.46},
                {"name": "ask_rsa", "confidence": 0.03},
            ],
            "entities": [],
        },
    )
    tracker.events = tracker.events[:3]

    await ActionHandleFallback().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["text"] == domain["responses"]["utter_did_you_mean"][0]["text"]
    payloads = [button["payload"] for button in message["buttons"]]
    assert payloads == ["/ask_adil", "/ask_acces_au_droit", "/ask_human"]
    assert not message.get("custom")


async def test_second_fallback_in_a_row_offers_a_person(tracker_from, dispatcher, domain):
    tracker = tracker_from("two_fallbacks")
    assert consecutive_fallbacks(tracker) == 2

    await ActionHandleFallback().run(dispatcher, tracker, domain)

    [message] = dispatcher.messages
    assert message["custom"]["handoff"] is True
    assert message["custom"]["dispositif"] is None
    assert message["custom"]["reason"] == "fallback"


async def test_asking_for_a_person_hands_off(tracker_from, dispatcher, domain):
    await ActionHumanRoute().run(dispatcher, tracker_from("follow_up_documents"), domain)

    [message] = dispatcher.messages
    assert message["custom"]["handoff"] is True
    assert message["custom"]["subject"] == "rsa"
    assert message["custom"]["sources"]
