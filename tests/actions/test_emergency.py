"""action_emergency on tracker snapshots: the right numbers first, then the question."""

from __future__ import annotations

from actions.emergency import DEFAULT_NUMBERS, ActionEmergency, numbers_for


def test_each_kind_of_distress_has_its_numbers_first():
    assert numbers_for(["violence"])[:2] == ["17", "3919"]
    assert numbers_for(["suicide"])[0] == "3114"
    assert numbers_for(["child"])[0] == "119"
    assert numbers_for(["medical"])[0] == "15"
    assert numbers_for(["shelter"]) == ["115"]
    assert numbers_for([]) == DEFAULT_NUMBERS


async def test_the_numbers_come_first_then_the_question_then_a_person(
    tracker_from, dispatcher, domain
):
    await ActionEmergency().run(dispatcher, tracker_from("violence_and_eviction"), domain)

    first, second, *rest = dispatcher.messages
    assert "17" in first["text"] and "3919" in first["text"]
    assert first["text"].index("17") < first["text"].index("3919")
    assert first["custom"]["kind"] == "emergency"
    assert first["custom"]["handoff"] is True
    assert first["custom"]["urgence"] == ["violence"]
    assert first["custom"]["sources"], "the numbers are sourced"
    assert second["custom"]["dispositif"] == "prevention_expulsions"
    assert rest, "a person is offered after the answers"


async def test_without_a_kind_every_emergency_number_is_given(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        "violence_and_eviction",
        latest_message={"text": "urgence", "intent": {"name": "emergency", "confidence": 0.9},
                        "intent_ranking": [{"name": "emergency", "confidence": 0.9}], "entities": []},
    )
    await ActionEmergency().run(dispatcher, tracker, domain)

    text = dispatcher.messages[0]["text"]
    for number in DEFAULT_NUMBERS:
        assert number in text


async def test_no_roof_tonight_gets_the_115_with_its_source(tracker_from, dispatcher, domain):
    tracker = tracker_from(
        "violence_and_eviction",
        latest_message={
            "text": "on est à la rue ce soir avec les enfants",
            "intent": {"name": "emergency", "confidence": 1.0},
            "intent_ranking": [{"name": "emergency", "confidence": 1.0}],
            "entities": [{"entity": "urgence", "value": "shelter", "start": 0, "end": 0}],
        },
    )
    await ActionEmergency().run(dispatcher, tracker, domain)

    first = dispatcher.messages[0]
    assert "115" in first["text"]
    assert first["custom"]["urgence"] == ["shelter"]
    assert first["custom"]["sources"], "the 115 is sourced"
