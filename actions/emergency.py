"""``action_emergency``: emergency numbers first, then the question, then a person."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import AnswerComposer
from actions.human_route import offer_human
from actions.metadata import answer_metadata
from actions.texts import response_text
from actions.understanding import entities_of, resolve_attribute
from knowledge.base import get_knowledge_base

EMERGENCY_RECORD = "numeros_urgence"
# The 115 is the emergency shelter's own record; its number is given for "no roof tonight".
SHELTER_RECORD = "hebergement_urgence_115"

# The numbers to give first for each kind of distress (bot/nlu/distress_cues.yml).
NUMBERS_BY_KIND = {
    "medical": ["15", "112"],
    "fire": ["18", "112"],
    "suicide": ["3114", "15", "112"],
    "violence": ["17", "3919", "112"],
    "child": ["119", "17"],
    "shelter": ["115"],
}
DEFAULT_NUMBERS = ["112", "15", "17", "3114", "3919", "119", "115"]

# A question asked together with the distress is still answered after the numbers when
# the classifier was at least this sure of it.
SECOND_TOPIC_CONFIDENCE = 0.5


def numbers_for(kinds: List[str]) -> List[str]:
    numbers: List[str] = []
    for kind in kinds:
        numbers.extend(number for number in NUMBERS_BY_KIND.get(kind, []) if number not in numbers)
    return numbers or list(DEFAULT_NUMBERS)


class ActionEmergency(Action):
    """Emergency numbers for the kind of distress, before anything else."""

    def name(self) -> str:
        return "action_emergency"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        base = get_knowledge_base()
        record = base.get(EMERGENCY_RECORD)
        latest = tracker.latest_message or {}
        kinds = [str(entity["value"]) for entity in entities_of(latest, "urgence")]
        numbers = numbers_for(kinds)
        contacts = {}
        for owner in (base.get(SHELTER_RECORD), record):
            if owner is not None:
                contacts.update({contact.phone: (owner, contact) for contact in owner.contacts})
        chosen = [contacts[number] for number in numbers if number in contacts]
        lines = "\n".join(
            response_text(domain, "utter_emergency_number", phone=c.phone, organisation=c.organisation, role=c.role or "")
            for _, c in chosen
        )
        citations: List[Dict[str, object]] = []
        for owner, contact in chosen:
            citations.extend(item for item in base.cite(owner, contact.sources) if item not in citations)
        dispatcher.utter_message(
            text=response_text(domain, "utter_emergency", numbers=lines),
            json_message=answer_metadata(
                EMERGENCY_RECORD,
                citations,
                handoff=True,
                kind="emergency",
                urgence=kinds or None,
            ),
        )
        self._answer_second_topic(dispatcher, tracker, domain, latest)
        return offer_human(dispatcher, domain, tracker.get_slot("dispositif"), "emergency")

    @staticmethod
    def _answer_second_topic(
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
        latest: Dict[str, Any],
    ) -> None:
        """"On va m'expulser et je veux en finir": after the numbers, the expulsion."""
        base = get_knowledge_base()
        for item in latest.get("intent_ranking") or []:
            family = base.intents.get(item.get("name", ""))
            if item.get("name") == "emergency" or family is None:
                continue
            if float(item.get("confidence", 0)) < SECOND_TOPIC_CONFIDENCE:
                return
            record = base.get(family.default)
            if record is None:
                return
            attribute = resolve_attribute(item["name"], latest, None)
            answer = AnswerComposer(base, domain).compose(record, attribute, None)
            dispatcher.utter_message(
                text=answer.text,
                json_message=answer_metadata(record.id, answer.sources(base), attribute=attribute, kind="answer"),
            )
            return
