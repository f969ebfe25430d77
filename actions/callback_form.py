"""The call-back request: a form for name, French phone number, subject and consent,
stored durably (``actions.callback_store``). Never logs a name or a number."""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any, Dict, List, Optional, Text

import phonenumbers
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback_store import CallbackRepository
from actions.metadata import answer_metadata
from actions.texts import response_buttons, response_text
from knowledge.text import fold

FORM_SLOTS = ["callback_name", "callback_phone", "callback_subject", "callback_consent"]
CANCEL_WORDS = {"annuler", "annule", "stop", "laisse tomber", "laissez tomber", "arreter", "non merci", "abandonner"}
YES_WORDS = {"oui", "ouais", "ok", "d accord", "c est ca", "c est bien ca", "ce numero", "celui ci", "exact", "exactement", "oui c est ca"}
NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ' .\-]{2,80}$")


@functools.lru_cache(maxsize=1)
def repository() -> CallbackRepository:
    return CallbackRepository()


def latest_user_metadata(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata") or {}
    return {}


def normalise_french_phone(text: str) -> Optional[str]:
    """A valid French number in E.164 ("+33321216216"), or None.

    Accepts spaces, dots, dashes, +33 and 0033 prefixes, and numbers said in words
    digit by digit by a speech recogniser ("zéro six ...") once turned into digits.
    """
    digits = re.sub(r"[^\d+]", "", text.replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        number = phonenumbers.parse(digits, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or number.country_code != 33:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """"+33612345678" -> "06 12 34 56 78"."""
    national = phonenumbers.format_number(phonenumbers.parse(e164, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL)
    return national


def is_cancel(value: Any) -> bool:
    return isinstance(value, str) and fold(value) in CANCEL_WORDS


class ValidateCallbackForm(FormValidationAction):
    """Checks each answer; "annuler" at any question stops the form."""

    def name(self) -> Text:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("callback_cancelled"):
            return []
        return domain_slots

    def _cancel(self) -> Dict[Text, Any]:
        return {"callback_cancelled": True}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(value):
            return {"callback_name": None, **self._cancel()}
        name = " ".join(str(value or "").split())
        if not NAME.match(name) or not re.search(r"[A-Za-zÀ-ÿ]{2}", name):
            dispatcher.utter_message(text=response_text(domain, "utter_callback_name_invalid"))
            return {"callback_name": None}
        return {"callback_name": name}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(value):
            return {"callback_phone": None, **self._cancel()}
        caller = latest_user_metadata(tracker).get("caller")
        text = str(value or "")
        if caller and (fold(text) in YES_WORDS or (tracker.latest_message.get("intent") or {}).get("name") == "affirm"):
            text = str(caller)
        phone = normalise_french_phone(text)
        if phone is None:
            dispatcher.utter_message(text=response_text(domain, "utter_callback_phone_invalid"))
            return {"callback_phone": None}
        return {"callback_phone": phone}

    def validate_callback_subject(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(value):
            return {"callback_subject": None, **self._cancel()}
        subject = " ".join(str(value or "").split())[:500]
        if len(subject) < 2:
            dispatcher.utter_message(text=response_text(domain, "utter_ask_callback_subject"))
            return {"callback_subject": None}
        return {"callback_subject": subject}

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if isinstance(value, bool):
            return {"callback_consent": value}
        if is_cancel(value):
            return {"callback_consent": False}
        return {"callback_consent": None}


class ActionAskCallbackPhone(Action):
    """On the phone, offer the number the caller is calling from."""

    def name(self) -> Text:
        return "action_ask_callback_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        caller = latest_user_metadata(tracker).get("caller")
        phone = normalise_french_phone(str(caller)) if caller else None
        if phone:
            dispatcher.utter_message(
                text=response_text(domain, "utter_ask_callback_phone_caller", phone=display_phone(phone)),
                buttons=response_buttons(domain, "utter_yes_no_buttons"),
            )
        else:
            dispatcher.utter_message(text=response_text(domain, "utter_ask_callback_phone"))
        return []


class ActionSubmitCallback(Action):
    """Store the request (once), give its reference, clear the form's slots."""

    def name(self) -> Text:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reset = [SlotSet(slot, None) for slot in [*FORM_SLOTS, "callback_cancelled"]]
        reset.append(SlotSet("handoff_offered", False))
        if tracker.get_slot("callback_cancelled"):
            dispatcher.utter_message(text=response_text(domain, "utter_callback_cancelled"))
            return reset
        if tracker.get_slot("callback_consent") is not True:
            dispatcher.utter_message(text=response_text(domain, "utter_callback_no_consent"))
            return reset
        metadata = latest_user_metadata(tracker)
        request, created = await asyncio.get_running_loop().run_in_executor(
            None,
            functools.partial(
                repository().create,
                conversation_id=tracker.sender_id,
                channel=str(metadata.get("channel") or tracker.get_latest_input_channel() or "web"),
                name=tracker.get_slot("callback_name"),
                phone=tracker.get_slot("callback_phone"),
                subject=tracker.get_slot("callback_subject"),
                consent=True,
            ),
        )
        dispatcher.utter_message(
            text=response_text(
                domain,
                "utter_callback_saved" if created else "utter_callback_already_saved",
                reference=request.reference,
            ),
            json_message=answer_metadata(
                None,
                [],
                handoff=True,
                kind="callback_saved",
                callback_reference=request.reference,
                subject=tracker.get_slot("dispositif"),
            ),
        )
        return reset
