"""Phone line: a French Twilio Voice input channel at ``/webhooks/twilio_voice/webhook``.

Rasa's own ``twilio_voice`` channel never sets a language, accepts few French voices,
fails on messages without text, hangs up with an empty response, cannot transfer a call
and trusts every request. This one:

* checks ``X-Twilio-Signature`` on every request, 403 when it is missing or wrong;
* answers every request with TwiML: ``<Gather input="speech dtmf" language="fr-FR">``
  around ``<Say>`` in a French voice, speech hints from the knowledge base, a greeting
  at call start, a reprompt on silence and a goodbye with ``<Hangup>`` after repeated
  silence; ``<Dial>`` to the hotline when a handoff is possible now;
* sends Rasa the caller's words, or the payload of the menu choice typed or said, as
  conversation ``CallSid`` with metadata ``{"channel": "voice", "caller": <E.164>,
  "speech_confidence": ...}``;
* offers, and sends on "oui", an SMS with the details of the last answer (``bot.sms``).

The state of a call (the menu just spoken, the items already said, the silences) travels
in the ``<Gather>`` action URL, which Twilio signs with the next request; what must be
read again (the rest of an answer, the text for the SMS) comes from the tracker. Nothing
is kept in memory, so any of several Rasa servers behind a proxy can take a call's next
request.

Settings (``credentials.yml``)::

    bot.channels.twilio_voice.FrenchTwilioVoiceInput:
      voice: "Polly.Lea-Neural"   # a French Polly or Google voice
      public_url: "https://example.org/webhooks/twilio_voice/webhook"  # the URL Twilio signs
      auth_token: ...             # else $TWILIO_AUTH_TOKEN
      validate_signature: true    # false only for local development
      speech_timeout: "auto"
      speech_model:               # unset: Twilio chooses the recogniser
      gather_timeout: 6           # seconds of silence before a reprompt
      max_silences: 2             # then goodbye
      dial_timeout: 30
      turn_timeout: 10            # Twilio gives up after 15 s
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Text
from urllib.parse import parse_qs

import phonenumbers
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from bot.channels.fault_reply import technical_problem_message
from bot.channels.rest import handle_message
from bot.render.voice import (
    MORE,
    SMS,
    MenuChoice,
    SpokenTurn,
    VoicePhrases,
    match_choice,
    menu_speech,
    render_turn,
    sms_text,
    speak,
)
from bot.sms import SmsSender, SmsSettings, can_receive_sms, last_digits, mask_phone
from knowledge.base import KnowledgeBase, get_knowledge_base
from knowledge.text import fold

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/twilio_voice/webhook"
FRENCH_VOICE = re.compile(
    r"^(?:Polly\.(?:Celine|Lea|Mathieu|Remi)(?:-Neural|-Generative)?|Google\.fr-FR-[\w-]+)$"
)
CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
E164 = re.compile(r"^\+[1-9]\d{5,14}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
MAX_BODY_BYTES = 64_000
MAX_SPEECH_CHARACTERS = 2_000
MAX_HINTS = 500
MAX_HINT_CHARACTERS = 100
SAY_CHUNK_CHARACTERS = 1_500
FINISHED_CALL = {"completed", "busy", "failed", "no-answer", "canceled"}
TRANSFERRED = {"completed", "answered"}
# Said only if the domain itself cannot be read: the call must still end politely.
LAST_RESORT = "Désolé, un problème technique m'empêche de vous répondre. Merci de rappeler plus tard."


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class VoiceSettings:
    """The channel's settings from ``credentials.yml`` (see the module docstring)."""

    voice: str = "Polly.Lea-Neural"
    language: str = "fr-FR"
    public_url: Optional[str] = None
    auth_token: Optional[str] = None
    validate_signature: bool = True
    speech_timeout: str = "auto"
    speech_model: Optional[str] = None
    gather_timeout: int = 6
    max_silences: int = 2
    dial_timeout: int = 30
    turn_timeout: float = 10.0

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "VoiceSettings":
        values = {key: value for key, value in (credentials or {}).items() if value is not None}
        known = {name for name in cls.__dataclass_fields__}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidConfigException(f"twilio_voice: unknown settings {unknown}")
        settings = cls(**values)
        if not settings.auth_token and os.environ.get("TWILIO_AUTH_TOKEN"):
            settings = replace(settings, auth_token=os.environ["TWILIO_AUTH_TOKEN"])
        settings.check()
        return settings

    def check(self) -> None:
        if not FRENCH_VOICE.match(self.voice):
            raise InvalidConfigException(
                f"twilio_voice: {self.voice!r} is not a French voice "
                "(Polly.Lea-Neural, Polly.Remi-Neural, Google.fr-FR-...)."
            )
        if self.speech_timeout != "auto" and not str(self.speech_timeout).isdigit():
            raise InvalidConfigException("twilio_voice: speech_timeout is 'auto' or seconds.")
        if self.speech_timeout == "auto" and self.speech_model == "default":
            raise InvalidConfigException(
                "twilio_voice: Twilio refuses speechTimeout 'auto' with the 'default' model."
            )
        if self.max_silences < 1 or self.gather_timeout < 1:
            raise InvalidConfigException("twilio_voice: max_silences and gather_timeout >= 1.")

    def action_url(self, state: "CallState") -> str:
        return f"{self.public_url or WEBHOOK_PATH}?s={state.encode()}"


# --------------------------------------------------------------------------- call state
@dataclass
class CallState:
    """What the next request of a call needs to know, carried in the action URL."""

    menu: List[MenuChoice] = field(default_factory=list)
    position: int = 0
    silences: int = 0
    dialing: bool = False

    @classmethod
    def after(cls, turn: SpokenTurn) -> "CallState":
        return cls(menu=list(turn.menu), position=turn.position)

    def encode(self) -> str:
        compact = {
            "m": [[choice.payload, choice.label, choice.word] for choice in self.menu],
            "p": self.position,
            "s": self.silences,
            "d": int(self.dialing),
        }
        raw = json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, value: Optional[str]) -> Optional["CallState"]:
        """The state of a call in progress; ``None`` on the call's first request. A
        damaged value gives an empty state: the call goes on without a menu."""
        if value is None:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            compact = json.loads(raw.decode("utf-8"))
            return cls(
                menu=[MenuChoice(str(p), str(l), str(w)) for p, l, w in compact.get("m", [])][:9],
                position=max(int(compact.get("p", 0)), 0),
                silences=max(int(compact.get("s", 0)), 0),
                dialing=bool(compact.get("d")),
            )
        except (binascii.Error, ValueError, TypeError, AttributeError, UnicodeDecodeError):
            return cls()


# --------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class CallRequest:
    """The fields of one Twilio request this channel uses, cleaned."""

    call_sid: str
    caller: Optional[str]
    speech: str
    digits: str
    confidence: Optional[float]
    call_status: str
    dial_status: str

    @classmethod
    def from_params(cls, params: Mapping[str, List[str]]) -> Optional["CallRequest"]:
        """``None`` when the request names no valid call."""

        def first(name: str) -> str:
            # Sanic's RequestParameters.get gives the first value, not the list.
            getlist = getattr(params, "getlist", None)
            values = getlist(name) if getlist else params.get(name)
            return (values or [""])[0]

        call_sid = first("CallSid")
        if not CALL_SID.match(call_sid):
            return None
        caller = first("From").strip()
        speech = CONTROL_CHARACTERS.sub(" ", first("SpeechResult"))[:MAX_SPEECH_CHARACTERS]
        try:
            confidence: Optional[float] = float(first("Confidence"))
        except ValueError:
            confidence = None
        if confidence is not None and not 0.0 <= confidence <= 1.0:
            confidence = None
        return cls(
            call_sid=call_sid,
            caller=caller if E164.match(caller) else None,
            # Speech never starts with "/": it must not pass for an intent payload.
            speech=" ".join(speech.split()).lstrip("/ "),
            digits=re.sub(r"[^0-9*]", "", first("Digits"))[:32],
            confidence=confidence,
            call_status=first("CallStatus").strip().lower(),
            dial_status=first("DialCallStatus").strip().lower(),
        )

    @property
    def metadata(self) -> Dict[str, Any]:
        return {"channel": "voice", "caller": self.caller, "speech_confidence": self.confidence}


def parse_form(body: bytes) -> RequestParameters:
    """Twilio's form fields, blank values kept (they count in the signature)."""
    text = body[:MAX_BODY_BYTES].decode("utf-8", errors="replace")
    return RequestParameters(parse_qs(text, keep_blank_values=True))


def signed_url(settings: VoiceSettings, request: Request) -> str:
    """The URL Twilio signed: the public one (behind a proxy ``request.url`` differs)."""
    if not settings.public_url:
        return request.url
    query = request.query_string
    return f"{settings.public_url}?{query}" if query else settings.public_url


def has_valid_signature(settings: VoiceSettings, request: Request, params: RequestParameters) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not settings.auth_token or not signature:
        return False
    return RequestValidator(settings.auth_token).validate(signed_url(settings, request), params, signature)


# --------------------------------------------------------------------------- speech hints
def speech_hints(base: KnowledgeBase) -> List[str]:
    """Names and aliases of the dispositifs, for the recogniser. Every dispositif gets its
    share: names first, then each one's first alias, second alias... at most 500 phrases
    of at most 100 characters, without commas (Twilio's separator)."""
    per_record: List[List[str]] = []
    for record in base.dispositifs.values():
        phrases = [re.sub(r"\([^)]*\)", " ", record.name)]
        for inside in re.findall(r"\(([^)]*)\)", record.name):
            phrases.extend(inside.split(","))
        for alias in record.aliases:
            phrases.extend(alias.split(","))
        per_record.append(phrases)
    depth = max((len(phrases) for phrases in per_record), default=0)
    return _clean_hints([phrases[rank] for rank in range(depth) for phrases in per_record if rank < len(phrases)])


def _clean_hints(phrases: Sequence[str], limit: int = MAX_HINTS) -> List[str]:
    hints: List[str] = []
    seen = set()
    for phrase in phrases:
        phrase = " ".join(re.sub(r"[^\w' -]", " ", phrase).split())
        key = fold(phrase)
        if not re.search(r"[^\W\d_]", phrase) or len(phrase) > MAX_HINT_CHARACTERS or key in seen:
            continue
        seen.add(key)
        hints.append(phrase)
        if len(hints) == limit:
            break
    return hints


# --------------------------------------------------------------------------- TwiML
class TwimlBuilder:
    """The channel's TwiML: a listening ``<Gather>``, a transfer, a goodbye."""

    def __init__(self, settings: VoiceSettings, hints: Sequence[str]) -> None:
        self.settings = settings
        self.hints = list(hints)

    def _say(self, parent: Any, speech: str) -> None:
        for chunk in _chunks(speech):
            parent.say(chunk, voice=self.settings.voice, language=self.settings.language)

    def gather(self, speech: str, state: CallState) -> VoiceResponse:
        """Say ``speech`` and listen (speech or keypad); barge-in stops the voice."""
        settings = self.settings
        menu_words = [choice.word for choice in state.menu]
        gather = Gather(
            input="speech dtmf",
            action=settings.action_url(state),
            method="POST",
            language=settings.language,
            speech_timeout=settings.speech_timeout,
            speech_model=settings.speech_model,
            timeout=settings.gather_timeout,
            hints=", ".join(_clean_hints([*menu_words, *self.hints])),
            barge_in=True,
            action_on_empty_result=True,
            # A menu takes one key; without one, digits (a phone number) end with "#".
            num_digits=1 if state.menu else None,
            finish_on_key=None if state.menu else "#",
        )
        self._say(gather, speech)
        twiml = VoiceResponse()
        twiml.append(gather)
        return twiml

    def transfer(self, speech: str, number: str) -> VoiceResponse:
        """Say ``speech``, then connect the caller to ``number``."""
        twiml = VoiceResponse()
        self._say(twiml, speech)
        dial = Dial(
            action=self.settings.action_url(CallState(dialing=True)),
            method="POST",
            timeout=self.settings.dial_timeout,
            answer_on_bridge=True,
        )
        dial.number(number)
        twiml.append(dial)
        return twiml

    def goodbye(self, speech: str = "") -> VoiceResponse:
        twiml = VoiceResponse()
        if speech:
            self._say(twiml, speech)
        twiml.hangup()
        return twiml


def _chunks(speech: str) -> List[str]:
    """``speech`` cut at sentence ends into pieces ``<Say>`` takes comfortably."""
    chunks: List[str] = []
    current = ""
    for sentence in re.split(r"(?<=[.!?])\s+", speech.strip()):
        if current and len(current) + len(sentence) + 1 > SAY_CHUNK_CHARACTERS:
            chunks.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        chunks.append(current[: SAY_CHUNK_CHARACTERS * 2])
    return chunks


# --------------------------------------------------------------------------- the channel
def dial_number(messages: Sequence[Mapping[str, Any]], base: KnowledgeBase) -> Optional[str]:
    """The number to transfer to when a message hands off to a service open now: the
    payload's ``dial``, else the first phone of the service's knowledge-base record."""
    for message in messages:
        custom = message.get("custom")
        if not isinstance(custom, Mapping) or not (custom.get("handoff") and custom.get("open_now")):
            continue
        number = custom.get("dial")
        if not number and custom.get("service"):
            record = base.get(str(custom["service"]))
            phones = [contact.phone for contact in (record.contacts if record else []) if contact.phone]
            number = phones[0] if phones else None
        e164 = _e164(str(number)) if number else None
        if e164:
            return e164
    return None


def _e164(number: str) -> Optional[str]:
    try:
        parsed = phonenumbers.parse(number, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class FrenchTwilioVoiceInput(InputChannel):
    """Twilio Voice in French (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "twilio_voice"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(VoiceSettings.from_credentials(credentials), SmsSettings.from_environment())

    def __init__(self, settings: VoiceSettings, sms: Optional[SmsSettings] = None) -> None:
        self.settings = settings
        self.sms = SmsSender(sms) if sms else None
        self.base = get_knowledge_base()
        self.builder = TwimlBuilder(settings, speech_hints(self.base))
        if settings.validate_signature and not settings.auth_token:
            logger.error(
                "twilio_voice: no auth token (auth_token or $TWILIO_AUTH_TOKEN): every call "
                "is refused until one is configured."
            )
        if not settings.validate_signature:
            logger.warning("twilio_voice: signature check disabled, for local development only.")

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("french_twilio_voice_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = parse_form(request.body or b"")
            if self.settings.validate_signature and not has_valid_signature(
                self.settings, request, params
            ):
                logger.warning("twilio_voice: request refused, invalid or missing signature.")
                return response.text("Signature Twilio invalide.", status=403)
            call = CallRequest.from_params(params)
            if call is None:
                return response.text("CallSid manquant ou invalide.", status=400)
            try:
                twiml = await CallTurn(self, request, call, on_new_message).answer()
            except Exception:  # noqa: BLE001 - the caller must hear something, never a 500
                logger.exception("twilio_voice: turn failed for call %s.", call.call_sid)
                twiml = self.builder.goodbye(LAST_RESORT)
            return response.text(str(twiml), content_type="text/xml; charset=utf-8")

        return webhook


class CallTurn:
    """One request of a call: what the caller did, and the TwiML that answers it."""

    def __init__(
        self,
        channel: FrenchTwilioVoiceInput,
        request: Request,
        call: CallRequest,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        self.channel = channel
        self.settings = channel.settings
        self.builder = channel.builder
        self.call = call
        self.on_new_message = on_new_message
        self.agent = getattr(request.app.ctx, "agent", None)
        domain = getattr(self.agent, "domain", None)
        self.phrases = VoicePhrases(getattr(domain, "responses", None))
        self.state = CallState.decode(request.args.get("s"))
        self.sms_available = channel.sms is not None and can_receive_sms(call.caller)

    async def answer(self) -> VoiceResponse:
        call, state = self.call, self.state
        if call.call_status in FINISHED_CALL:
            return self.builder.goodbye()
        if state is not None and state.dialing:
            return self.after_transfer()
        if not call.speech and not call.digits:
            return await self.ask("/greet") if state is None else self.silence(state)
        state = state or CallState()
        choice = self._choice(state)
        if choice is None and call.digits and state.menu:
            return self.listen(self.phrases.text("utter_voice_invalid_choice"), replace(state, silences=0))
        if choice is not None and choice.payload == SMS:
            return await self.send_sms(state)
        if choice is not None and choice.payload == MORE:
            return await self.more(state)
        return await self.ask(choice.payload if choice else call.speech or call.digits)

    def _choice(self, state: CallState) -> Optional[MenuChoice]:
        if not state.menu:
            return None
        if self.call.digits:
            digit = self.call.digits[:1]
            index = int(digit) - 1 if digit.isdigit() else -1
            return state.menu[index] if 0 <= index < len(state.menu) else None
        index = match_choice(self.call.speech, state.menu)
        return None if index is None else state.menu[index]

    async def ask(self, text: str) -> VoiceResponse:
        """Send ``text`` (or a payload) to Rasa and say its answer."""
        logger.debug("twilio_voice: call %s from %s.", self.call.call_sid, mask_phone(self.call.caller))
        messages = await self._run_turn(text)
        number = dial_number(messages, self.channel.base)
        turn = render_turn(messages, self.phrases, sms_available=self.sms_available and number is None)
        if number:
            transfer = self.phrases.text("utter_voice_transfer")
            return self.builder.transfer(f"{turn.text} {speak(transfer)}".strip(), number)
        if not turn.speech:
            turn = render_turn([self.phrases.message("utter_voice_no_answer")], self.phrases)
        return self.builder.gather(turn.speech, CallState.after(turn))

    async def _run_turn(self, text: str) -> List[Dict[str, Any]]:
        """The bot's messages; an apology with the human route if there are none in time."""
        work = asyncio.ensure_future(
            handle_message(self.on_new_message, text, self.call.call_sid, "twilio_voice", self.call.metadata)
        )
        try:
            # shield: a slow turn still finishes and is saved after the caller is answered.
            messages = await asyncio.wait_for(asyncio.shield(work), self.settings.turn_timeout)
        except asyncio.TimeoutError:
            logger.error("twilio_voice: no answer within %.0f s for call %s.",
                         self.settings.turn_timeout, self.call.call_sid)
            messages = []
        if messages:
            return messages
        responses = getattr(getattr(self.agent, "domain", None), "responses", {}) or {}
        apology = technical_problem_message(self.call.call_sid, responses)
        return [apology] if apology else [self.phrases.message("utter_voice_no_answer")]

    def listen(self, prefix: str, state: CallState) -> VoiceResponse:
        """Say ``prefix``, then the menu again (or invite a question), and listen."""
        follow = (
            menu_speech(state.menu, self.phrases)
            if state.menu
            else self.phrases.text("utter_voice_ask_question")
        )
        return self.builder.gather(speak(f"{prefix}\n{follow}"), state)

    def silence(self, state: CallState) -> VoiceResponse:
        silences = state.silences + 1
        if silences >= self.settings.max_silences:
            return self.builder.goodbye(speak(self.phrases.text("utter_voice_goodbye_silence")))
        return self.listen(self.phrases.text("utter_voice_reprompt"), replace(state, silences=silences))

    async def more(self, state: CallState) -> VoiceResponse:
        """"Suite": the next items of the last answer."""
        turn = render_turn(
            await self._last_bot_turn(), self.phrases, start=state.position, sms_available=self.sms_available
        )
        if not turn.text:
            return self.listen("", replace(state, silences=0))
        return self.builder.gather(turn.speech, CallState.after(turn))

    async def send_sms(self, state: CallState) -> VoiceResponse:
        """"Oui" to the SMS offer: the last answer's details, then a spoken confirmation."""
        turn = render_turn(await self._last_bot_turn(), self.phrases)
        body = sms_text(self.phrases.text("utter_voice_sms_header"), turn.details)
        sent = bool(
            self.channel.sms and self.call.caller and turn.details
            and await self.channel.sms.send_async(self.call.caller, body)
        )
        text = (
            self.phrases.text("utter_voice_sms_sent", last_digits=last_digits(self.call.caller))
            if sent
            else self.phrases.text("utter_voice_sms_failed")
        )
        menu = [choice for choice in state.menu if choice.payload != SMS]
        return self.builder.gather(speak(text), replace(state, menu=menu, silences=0))

    def after_transfer(self) -> VoiceResponse:
        if self.call.dial_status in TRANSFERRED:
            return self.builder.goodbye()
        turn = render_turn([self.phrases.message("utter_voice_dial_failed")], self.phrases)
        return self.builder.gather(turn.speech, CallState.after(turn))

    async def _last_bot_turn(self) -> List[Dict[str, Any]]:
        """The bot's messages since the caller's last message, from the tracker."""
        tracker = await self.agent.tracker_store.retrieve(self.call.call_sid) if self.agent else None
        messages: List[Dict[str, Any]] = []
        for event in reversed(tracker.events if tracker else []):
            if isinstance(event, UserUttered):
                break
            if isinstance(event, BotUttered):
                messages.append({**event.data, "text": event.text})
        return list(reversed(messages))
