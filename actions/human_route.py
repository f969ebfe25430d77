"""The route to a person: the GPS administration hotline when it is open, a call-back
request when it is closed; and the two-stage fallback that leads there."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import GPS_ID, contact_line
from actions.metadata import answer_metadata
from actions.opening_hours import Schedule, moment_parts, now_in_paris
from actions.texts import response_buttons, response_text
from knowledge.base import KnowledgeBase, get_knowledge_base


def gps_schedule(base: KnowledgeBase) -> Schedule:
    gps = base.get(GPS_ID)
    if gps is None:
        return Schedule([])
    return Schedule([slot for contact in gps.contacts for slot in contact.opening_hours])


def reopening_text(domain: Dict[str, Any], schedule: Schedule) -> str:
    now = now_in_paris()
    moment = schedule.next_opening(now)
    if moment is None:
        return response_text(domain, "utter_when_unknown")
    parts = moment_parts(moment, now)
    days_ahead = int(parts["days_ahead"])  # type: ignore[call-overload]
    name = {0: "utter_when_today", 1: "utter_when_tomorrow"}.get(days_ahead, "utter_when_day")
    return response_text(domain, name, **parts)


def offer_human(
    dispatcher: CollectingDispatcher,
    domain: Dict[str, Any],
    subject: Optional[str],
    reason: str,
) -> List[EventType]:
    """Send the human route: the hotline if open now, otherwise when it reopens and a
    call-back offer. ``reason`` says why (asked, fallback, needs_human) for the agents."""
    base = get_knowledge_base()
    gps = base.get(GPS_ID)
    schedule = gps_schedule(base)
    sources = (
        base.cite(gps, [key for contact in gps.contacts for key in contact.sources])
        if gps
        else []
    )
    is_open = schedule.is_open(now_in_paris())
    if gps is None:
        text = response_text(domain, "utter_human_unavailable")
    elif is_open:
        text = response_text(domain, "utter_human_open", gps_contact=contact_line(gps.contacts[0]))
    else:
        text = response_text(
            domain,
            "utter_human_closed",
            reopening=reopening_text(domain, schedule),
            gps_contact=contact_line(gps.contacts[0]),
        )
    dispatcher.utter_message(
        text=text,
        buttons=[] if is_open else response_buttons(domain, "utter_callback_offer_buttons"),
        json_message=answer_metadata(
            None,
            sources,
            handoff=True,
            service=GPS_ID,
            subject=subject,
            reason=reason,
            open_now=is_open,
            kind="handoff",
        ),
    )
    return [SlotSet("handoff_offered", not is_open)]


class ActionHumanRoute(Action):
    """The user asked for a person."""

    def name(self) -> str:
        return "action_human_route"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        return offer_human(dispatcher, domain, tracker.get_slot("dispositif"), "asked")


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many of the latest user messages in a row were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


# A topic this likely, though not likely enough to answer, is worth proposing.
SUGGESTION_MIN_CONFIDENCE = 0.2
MAX_SUGGESTIONS = 2


def likely_topics(base: KnowledgeBase, latest_message: Dict[str, Any]) -> List[Tuple[str, str]]:
    """(intent, label) of the topics the message most likely meant, best first."""
    return [
        (item["name"], base.intents[item["name"]].label)
        for item in latest_message.get("intent_ranking") or []
        if item.get("name") in base.intents
        and float(item.get("confidence", 0)) >= SUGGESTION_MIN_CONFIDENCE
    ][:MAX_SUGGESTIONS]


class ActionHandleFallback(Action):
    """Two-stage fallback: propose the likely topics or ask to rephrase, then offer a
    person."""

    def name(self) -> str:
        return "action_handle_fallback"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        if consecutive_fallbacks(tracker) >= 2:
            return offer_human(dispatcher, domain, tracker.get_slot("dispositif"), "fallback")
        candidates = likely_topics(get_knowledge_base(), tracker.latest_message or {})
        if candidates:
            human = [b for b in response_buttons(domain, "utter_topic_buttons") if b["payload"] == "/ask_human"]
            dispatcher.utter_message(
                text=response_text(domain, "utter_did_you_mean"),
                buttons=[
                    {"title": label[:1].upper() + label[1:], "payload": f"/{intent}"}
                    for intent, label in candidates
                ]
                + human,
            )
            return []
        dispatcher.utter_message(
            text=response_text(domain, "utter_ask_rephrase"),
            buttons=response_buttons(domain, "utter_topic_buttons"),
        )
        return []


class ActionDeclineOffer(Action):
    """"Non": withdraw a pending call-back offer and ask what else."""

    def name(self) -> str:
        return "action_decline_offer"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        dispatcher.utter_message(text=response_text(domain, "utter_anything_else"))
        return [SlotSet("handoff_offered", False)]
