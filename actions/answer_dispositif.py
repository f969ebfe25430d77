"""``action_answer_dispositif``: answer a question about a dispositif from the knowledge base."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import AnswerComposer
from actions.metadata import answer_metadata
from actions.texts import response_buttons, response_text
from actions.understanding import (
    resolve_attribute,
    resolve_commune_insee,
    resolve_dispositif,
)
from knowledge.base import get_knowledge_base


def commune_payload(insee: Optional[str]) -> Optional[Dict[str, str]]:
    base = get_knowledge_base()
    commune = base.communes.get(insee) if insee else None
    if commune is None:
        return None
    payload = {"insee": commune.insee, "nom": commune.nom}
    if commune.territoire:
        payload["territoire"] = commune.territoire
    return payload


class ActionAnswerDispositif(Action):
    """Answers the dispositif and attribute of the turn, keeping them for follow-ups."""

    def name(self) -> str:
        return "action_answer_dispositif"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[EventType]:
        base = get_knowledge_base()
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        confidence = float((latest.get("intent") or {}).get("confidence") or 0.0)
        resolution = resolve_dispositif(
            base, intent, confidence, latest, tracker.get_slot("dispositif")
        )
        commune_insee = resolve_commune_insee(base, latest, tracker.get_slot("commune"))
        events: List[EventType] = [SlotSet("handoff_offered", False)]
        if commune_insee:
            events.append(SlotSet("commune", commune_insee))
        if resolution.record is None:
            self._no_topic(dispatcher, domain, intent, commune_insee)
            return events
        attribute = resolve_attribute(intent, latest, tracker.get_slot("attribut"))
        commune = base.communes.get(commune_insee) if commune_insee else None
        answer = AnswerComposer(base, domain).compose(resolution.record, attribute, commune)
        dispatcher.utter_message(
            text=answer.text,
            buttons=answer.buttons,
            json_message=answer_metadata(
                resolution.record.id,
                answer.sources(base),
                handoff=False,
                attribute=attribute,
                commune=commune_payload(commune_insee),
                resolved_by=resolution.how,
                kind="ask_commune" if answer.asks_commune else "answer",
            ),
        )
        events.extend(
            [SlotSet("dispositif", resolution.record.id), SlotSet("attribut", attribute)]
        )
        return events

    @staticmethod
    def _no_topic(
        dispatcher: CollectingDispatcher,
        domain: Dict[str, Any],
        intent: Optional[str],
        commune_insee: Optional[str],
    ) -> None:
        """No dispositif in the message nor in the conversation: ask for the topic."""
        commune = commune_payload(commune_insee)
        if intent == "inform_commune" and commune:
            text = response_text(domain, "utter_commune_noted", commune=commune["nom"])
        else:
            text = response_text(domain, "utter_ask_topic")
        dispatcher.utter_message(
            text=text, buttons=response_buttons(domain, "utter_topic_buttons")
        )
