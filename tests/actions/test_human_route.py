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
