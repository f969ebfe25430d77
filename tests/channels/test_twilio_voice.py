"""The phone channel: settings, Twilio's requests and signature, the TwiML it answers,
and whole turns against a scripted assistant (the real servers: tests/integration)."""

from __future__ import annotations

import types
import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, List, Mapping, Optional
from urllib.parse import urlencode

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.exceptions import InvalidConfigException
from twilio.request_validator import RequestValidator

from bot.channels.twilio_voice import (
    CallRequest,
    CallState,
    CallTurn,
    FrenchTwilioVoiceInput,
    TwimlBuilder,
    VoiceSettings,
    dial_number,
    has_valid_signature,
    parse_form,
    speech_hints,
)
from bot.render.voice import MenuChoice
from bot.sms import SmsSettings
from tests.twilio_api_double import TwilioApiDouble

TOKEN = "voice-test-token"
PUBLIC_URL = "https://assistant.example.fr/webhooks/twilio_voice/webhook"
CALL_SID = "CA" + "0123456789abcdef" * 2
CALLER = "+33612345678"
BUTTONS = [
    {"title": "Les conditions", "payload": "/ask_conditions"},
    {"title": "Faire la demande", "payload": "/ask_demarches"},
    {"title": "Parler à un conseiller", "payload": "/ask_human"},
]


# --------------------------------------------------------------------------- helpers
class ScriptedAssistant:
    """Stands in for Rasa: answers each text with the messages ``script`` gives, keeps
    the conversation's events like a tracker store does."""

    def __init__(self, domain: Dict[str, Any], script: Callable[[str], List[Dict[str, Any]]]) -> None:
        self.script = script
        self.received: List[UserMessage] = []
        self.events: List[Any] = []
        self.domain = types.SimpleNamespace(responses=domain["responses"])
        self.tracker_store = self

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)
        self.events.append(UserUttered(message.text))
        for reply in self.script(message.text):
            self.events.append(BotUttered(reply.get("text"), {k: v for k, v in reply.items() if k != "text"}))
            await message.output_channel.send_response(message.sender_id, reply)

    async def retrieve(self, sender_id: str) -> Any:
        return types.SimpleNamespace(events=self.events)


def twilio_params(**fields: str) -> Mapping[str, List[str]]:
    """The fields as the channel parses them from Twilio's form-encoded body."""
    params = {"CallSid": CALL_SID, "AccountSid": "AC" + "9" * 32, "From": CALLER,
              "To": "+33321000000", "CallStatus": "in-progress"}
    params.update(fields)
    return parse_form(urlencode(params).encode("utf-8"))


async def call(
    channel: FrenchTwilioVoiceInput,
    assistant: ScriptedAssistant,
    state: Optional[CallState] = None,
    **fields: str,
) -> ET.Element:
    request = types.SimpleNamespace(
        app=types.SimpleNamespace(ctx=types.SimpleNamespace(agent=assistant)),
        args={"s": state.encode()} if state is not None else {},
    )
    call_request = CallRequest.from_params(twilio_params(**fields))
    twiml = await CallTurn(channel, request, call_request, assistant.on_new_message).answer()
    return ET.fromstring(str(twiml))


def said(twiml: ET.Element) -> str:
    return " ".join(say.text or "" for say in twiml.iter("Say"))


def state_of(twiml: ET.Element) -> CallState:
    action = (twiml.find("Gather") if twiml.find("Gather") is not None else twiml.find("Dial")).get("action")
    state = CallState.decode(action.split("?s=", 1)[1])
    assert state is not None
    return state


@pytest.fixture(scope="module")
def channel() -> FrenchTwilioVoiceInput:
    return FrenchTwilioVoiceInput(VoiceSettings(auth_token=TOKEN, public_url=PUBLIC_URL))


def answer_with_buttons(text: str = "Le RSA : comment faire la demande.\n- Sur https://www.caf.fr/rsa.") -> Callable:
    return lambda _: [{"text": text, "buttons": BUTTONS, "custom": {"dispositif": "rsa", "handoff": False}}]


# --------------------------------------------------------------------------- settings
def test_settings_default_to_a_french_neural_voice_and_a_checked_signature(monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env")
    settings = VoiceSettings.from_credentials(None)
    assert settings.voice == "Polly.Lea-Neural" and settings.language == "fr-FR"
    assert settings.validate_signature is True and settings.auth_token == "from-env"
    assert VoiceSettings.from_credentials({"auth_token": "yaml"}).auth_token == "yaml"


@pytest.mark.parametrize(
    "credentials",
    [{"voice": "woman"}, {"voice": "Polly.Joanna-Neural"}, {"speech_timeout": "soon"},
     {"speech_model": "default"}, {"max_silences": 0}, {"unknown_setting": 1}],
)
def test_bad_settings_are_refused_at_startup(credentials):
    with pytest.raises(InvalidConfigException):
        VoiceSettings.from_credentials(credentials)


@pytest.mark.parametrize("voice", ["Polly.Lea-Neural", "Polly.Remi-Neural", "Polly.Celine", "Google.fr-FR-Neural2-A"])
def test_french_voices_are_accepted(voice):
    assert VoiceSettings.from_credentials({"voice": voice}).voice == voice


# --------------------------------------------------------------------------- requests
def test_a_call_request_is_cleaned():
    request = CallRequest.from_params(twilio_params(
        SpeechResult="  /ask_human\x00 bonjour\x07  ", Confidence="0.87", Digits="12#"))
    assert request.call_sid == CALL_SID and request.caller == CALLER
    assert request.speech == "ask_human bonjour" and request.digits == "12"
    assert request.metadata == {"channel": "voice", "caller": CALLER, "speech_confidence": 0.87}


@pytest.mark.parametrize("sid", ["", "+33612345678", "CA123", "CA" + "z" * 32])
def test_a_request_without_a_valid_call_sid_is_refused(sid):
    assert CallRequest.from_params(twilio_params(CallSid=sid)) is None


def test_odd_fields_do_not_break_the_request():
    request = CallRequest.from_params(twilio_params(
        From="anonymous", Confidence="beaucoup", SpeechResult="é" * 10_000))
    assert request.caller is None and request.confidence is None and len(request.speech) == 2000


def test_blank_fields_are_kept_for_the_signature():
    assert parse_form(b"CallSid=CA1&Digits=&SpeechResult=")["Digits"] == [""]
    assert parse_form(b"\xff\xfe\x00binary=1")  # never raises


def signed_request(params: Dict[str, List[str]], url: str, query: str = "", signature: Optional[str] = None):
    flat = {key: values[0] for key, values in params.items()}
    signed = f"{url}?{query}" if query else url
    headers = {} if signature == "" else {
        "X-Twilio-Signature": signature or RequestValidator(TOKEN).compute_signature(signed, flat)}
    return types.SimpleNamespace(headers=headers, url="http://127.0.0.1:5005/webhooks/twilio_voice/webhook",
                                 query_string=query)


def test_the_signature_is_checked_against_the_public_url():
    settings = VoiceSettings(auth_token=TOKEN, public_url=PUBLIC_URL)
    params = twilio_params(SpeechResult="bonjour", Digits="")
    form = parse_form("&".join(f"{k}={v[0]}" for k, v in params.items()).replace("+", "%2B").encode())
    assert has_valid_signature(settings, signed_request(params, PUBLIC_URL), form)
    assert has_valid_signature(settings, signed_request(params, PUBLIC_URL, query="s=abc"), form)
    assert not has_valid_signature(settings, signed_request(params, PUBLIC_URL, signature="forged="), form)
    assert not has_valid_signature(settings, signed_request(params, PUBLIC_URL, signature=""), form)
    assert not has_valid_signature(
        settings, signed_request(params, "http://127.0.0.1:5005/webhooks/twilio_voice/webhook"), form)
    assert not has_valid_signature(VoiceSettings(), signed_request(params, PUBLIC_URL), form)


# --------------------------------------------------------------------------- TwiML
def test_the_gather_listens_in_french_with_hints_and_barge_in(channel):
    state = CallState(menu=[MenuChoice("/ask_conditions", "les conditions", "conditions")])
    twiml = ET.fromstring(str(channel.builder.gather("Bonjour.", state)))
    gather = twiml.find("Gather")
    assert gather.get("input") == "speech dtmf" and gather.get("language") == "fr-FR"
    assert gather.get("speechTimeout") == "auto" and gather.get("timeout") == "6"
    assert gather.get("bargeIn") == "true" and gather.get("actionOnEmptyResult") == "true"
    assert gather.get("method") == "POST" and gather.get("numDigits") == "1"
    assert gather.get("action").startswith(PUBLIC_URL + "?s=")
    hints = gather.get("hints").split(", ")
    assert hints[0] == "conditions" and len(hints) <= 500 and max(map(len, hints)) <= 100
    say = gather.find("Say")
    assert say.get("voice") == "Polly.Lea-Neural" and say.get("language") == "fr-FR"
    assert say.text == "Bonjour."


def test_without_a_menu_digits_end_with_the_hash_key(channel):
    gather = ET.fromstring(str(channel.builder.gather("Votre numéro ?", CallState()))).find("Gather")
    assert gather.get("numDigits") is None and gather.get("finishOnKey") == "#"


def test_a_long_text_is_said_in_several_pieces(channel):
    twiml = ET.fromstring(str(channel.builder.gather("Une phrase assez longue. " * 200, CallState())))
    says = list(twiml.iter("Say"))
    assert len(says) > 1 and all(len(say.text) <= 1500 for say in says)


def test_speech_hints_come_from_the_knowledge_base_within_twilio_limits(knowledge_base):
    hints = speech_hints(knowledge_base)
    assert 100 < len(hints) <= 500
    assert all(len(hint) <= 100 and "," not in hint for hint in hints)
    assert {"RSA", "covoiturage"} <= set(hints)


def test_the_call_state_survives_the_url_and_damage():
    state = CallState(menu=[MenuChoice("/ask_rsa", "le RSA", "RSA")], position=3, silences=1)
    assert CallState.decode(state.encode()) == state
    assert CallState.decode(None) is None
    assert CallState.decode("%%%not-base64") == CallState()
    assert CallState.decode("eyJtIjogNDJ9") == CallState()  # {"m": 42}


def test_the_hotline_number_comes_from_the_payload_or_the_knowledge_base(knowledge_base):
    open_handoff = {"handoff": True, "open_now": True, "service": "gps_administration"}
    assert dial_number([{"custom": open_handoff}], knowledge_base) == "+33321216216"
    assert dial_number([{"custom": {**open_handoff, "dial": "+33300000000"}}], knowledge_base) == "+33300000000"
    assert dial_number([{"custom": {**open_handoff, "open_now": False}}], knowledge_base) is None
    assert dial_number([{"custom": {"handoff": False}}, {"text": "x"}], knowledge_base) is None


# --------------------------------------------------------------------------- turns
async def test_a_call_starts_with_the_greeting_and_its_menu(channel, domain):
    assistant = ScriptedAssistant(domain, lambda _: [domain["responses"]["utter_greet"][0]])
    twiml = await call(channel, assistant, CallStatus="ringing")

    [message] = assistant.received
    assert message.text == "/greet" and message.sender_id == CALL_SID
    assert message.metadata == {"channel": "voice", "caller": CALLER, "speech_confidence": None}
    assert "Pas-de-Calais" in said(twiml) and "1 pour le R S A" in said(twiml)
    assert len(state_of(twiml).menu) == 7


async def test_a_digit_sends_the_payload_of_the_menu_choice(channel, domain):
    assistant = ScriptedAssistant(domain, answer_with_buttons())
    first = await call(channel, assistant, SpeechResult="comment demander le RSA", Confidence="0.91")
    assert "caf point fr" in said(first) and "http" not in said(first)
    assert "Pour les conditions, dites conditions ou tapez 1." in said(first)

    await call(channel, assistant, state_of(first), Digits="1")
    await call(channel, assistant, state_of(first), SpeechResult="Faire la demande.", Confidence="0.8")
    assert [message.text for message in assistant.received] == [
        "comment demander le RSA", "/ask_conditions", "/ask_demarches"]
    assert assistant.received[0].metadata["speech_confidence"] == 0.91


async def test_a_digit_outside_the_menu_repeats_the_menu(channel, domain):
    assistant = ScriptedAssistant(domain, answer_with_buttons())
    first = await call(channel, assistant, SpeechResult="le RSA")
    twiml = await call(channel, assistant, state_of(first), Digits="8")
    assert said(twiml).startswith("Ce choix n'existe pas. Pour les conditions")
    assert len(assistant.received) == 1


async def test_silence_is_reprompted_then_the_call_ends_politely(channel, domain):
    assistant = ScriptedAssistant(domain, answer_with_buttons())
    first = await call(channel, assistant, SpeechResult="le RSA")
    reprompt = await call(channel, assistant, state_of(first))
    assert said(reprompt).startswith("Je ne vous ai pas entendu. Pour les conditions")
    assert state_of(reprompt).silences == 1
    empty = await call(channel, assistant, state_of(reprompt), SpeechResult="   ")
    assert empty.find("Hangup") is not None and empty.find("Gather") is None
    assert "Au revoir" in said(empty)
    assert len(assistant.received) == 1


async def test_a_turn_without_an_answer_apologises_and_offers_a_person(channel, domain):
    nothing = await call(channel, ScriptedAssistant(domain, lambda _: []), SpeechResult="bonjour")
    assert "problème technique" in said(nothing) and "zéro trois, vingt et un" in said(nothing)
    assert nothing.find("Gather") is not None

    custom_only = await call(channel, ScriptedAssistant(domain, lambda _: [{"custom": {"x": 1}}]),
                             SpeechResult="bonjour")
    assert "Excusez-moi" in said(custom_only) and "dites conseiller ou tapez 1" in said(custom_only)
    assert state_of(custom_only).menu[0].payload == "/ask_human"


async def test_a_handoff_while_open_transfers_the_call(channel, domain):
    handoff = {"text": "Un conseiller peut vous répondre maintenant : GPS administration — 03 21 216 216.",
               "custom": {"handoff": True, "open_now": True, "service": "gps_administration"}}
    twiml = await call(channel, ScriptedAssistant(domain, lambda _: [handoff]), SpeechResult="un conseiller")
    dial = twiml.find("Dial")
    assert dial is not None and dial.find("Number").text == "+33321216216"
    assert twiml.find("Gather") is None
    assert "Je vous mets en relation" in said(twiml)
    assert state_of(twiml).dialing

    after = await call(channel, ScriptedAssistant(domain, lambda _: []), state_of(twiml), DialCallStatus="completed")
    assert after.find("Hangup") is not None
    unanswered = await call(channel, ScriptedAssistant(domain, lambda _: []), state_of(twiml), DialCallStatus="no-answer")
    assert "Aucun conseiller" in said(unanswered) and state_of(unanswered).menu[0].payload == "/request_callback"


async def test_a_handoff_while_closed_just_speaks_the_offer(channel, domain):
    closed = {"text": "La GPS administration est fermée. Voulez-vous qu'un conseiller vous rappelle ?",
              "buttons": [{"title": "Oui, être rappelé", "payload": "/request_callback"},
                          {"title": "Non merci", "payload": "/deny"}],
              "custom": {"handoff": True, "open_now": False, "service": "gps_administration"}}
    assistant = ScriptedAssistant(domain, lambda _: [closed])
    twiml = await call(channel, assistant, SpeechResult="un conseiller")
    assert twiml.find("Dial") is None
    assert "Pour être rappelé, dites oui ou tapez 1." in said(twiml)
    await call(channel, assistant, state_of(twiml), SpeechResult="oui")
    assert assistant.received[-1].text == "/request_callback"


async def test_suite_says_the_rest_of_a_long_answer(channel, domain):
    long_answer = "Le RSA : les conditions.\n" + "\n".join(f"- Condition {n}." for n in range(1, 6))
    assistant = ScriptedAssistant(domain, answer_with_buttons(long_answer))
    first = await call(channel, assistant, SpeechResult="conditions du RSA")
    assert "Condition 3" in said(first) and "Condition 4" not in said(first)
    following = await call(channel, assistant, state_of(first), SpeechResult="la suite")
    assert said(following).startswith("Condition 4. Condition 5.")
    assert len(assistant.received) == 1


async def test_the_sms_offer_is_accepted_by_oui_and_sent_with_the_links(domain):
    with TwilioApiDouble() as api:
        sms = SmsSettings("AC" + "1" * 32, "token", "+33700000000", api_base_url=api.url)
        channel = FrenchTwilioVoiceInput(VoiceSettings(auth_token=TOKEN), sms)
        assistant = ScriptedAssistant(domain, answer_with_buttons())
        first = await call(channel, assistant, SpeechResult="comment demander le RSA")
        assert "par S M S : dites oui, ou tapez 1." in said(first)

        confirmed = await call(channel, assistant, state_of(first), SpeechResult="Oui merci")
        [request] = api.messages()
        assert request.form["To"] == [CALLER]
        assert "https://www.caf.fr/rsa" in request.form["Body"][0]
        assert "finit par 78" in said(confirmed)
        assert all(choice.payload != "#sms" for choice in state_of(confirmed).menu)
        assert len(assistant.received) == 1

        landline = await call(channel, assistant, From="+33321000000", SpeechResult="le RSA")
        assert "S M S" not in said(landline)
