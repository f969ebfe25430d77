"""A phone line to the running assistant: calls posted exactly as Twilio posts them.

Each request is ``application/x-www-form-urlencoded`` with Twilio's fields (``CallSid``,
``AccountSid``, ``From``, ``To``, ``CallStatus``, ``SpeechResult``, ``Confidence``,
``Digits``...) and an ``X-Twilio-Signature`` computed with Twilio's own
``RequestValidator`` over the PUBLIC URL (the one Twilio would call, behind a proxy),
while the request goes to the local server. The next request follows the ``action`` URL
of the TwiML returned, as Twilio does.
"""

from __future__ import annotations

import contextlib
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests
from twilio.request_validator import RequestValidator

from bot.launcher import ServerSettings, Servers
from tests.integration.conftest import free_port, write_endpoints
from tests.twilio_api_double import TwilioApiDouble

PUBLIC_URL = "https://telephone.example.fr/webhooks/twilio_voice/webhook"
AUTH_TOKEN = "integration-voice-token"
ACCOUNT_SID = "AC" + "5" * 32
CALLER = "+33612345678"
LINE_NUMBER = "+33321000000"
VOICE = "Polly.Lea-Neural"


def write_credentials(directory: Path) -> Path:
    path = directory / "credentials.yml"
    path.write_text(
        "bot.channels.rest.ValidatedRestInput:\n"
        "bot.channels.twilio_voice.FrenchTwilioVoiceInput:\n"
        f'  voice: "{VOICE}"\n'
        f'  public_url: "{PUBLIC_URL}"\n'
        f'  auth_token: "{AUTH_TOKEN}"\n'
        "  validate_signature: true\n",
        encoding="utf-8",
    )
    return path


class Twiml:
    """A TwiML answer, parsed as XML."""

    def __init__(self, text: str) -> None:
        self.xml = text
        self.root = ET.fromstring(text)

    @property
    def says(self) -> List[ET.Element]:
        return list(self.root.iter("Say"))

    @property
    def said(self) -> str:
        return " ".join(say.text or "" for say in self.says)

    @property
    def gather(self) -> Optional[ET.Element]:
        return self.root.find("Gather")

    @property
    def dialled(self) -> Optional[str]:
        number = self.root.find("Dial/Number")
        return None if number is None else number.text

    @property
    def hangs_up(self) -> bool:
        return self.root.find("Hangup") is not None

    @property
    def action(self) -> Optional[str]:
        for verb in ("Gather", "Dial"):
            element = self.root.find(verb)
            if element is not None:
                return element.get("action")
        return None

    def digit_for(self, word: str) -> str:
        """The key the menu just spoken gives for ``word``."""
        for pattern in (rf"dites {word},? ou tapez (\d)", rf"(\d) pour {word}"):
            found = re.search(pattern, self.said)
            if found:
                return found.group(1)
        raise AssertionError(f"no menu choice {word!r} in: {self.said}")


class PhoneLine:
    """The running servers with the phone channel, and a stand-in for Twilio's API."""

    def __init__(self, servers: Servers, clock_file: Path, twilio_api: TwilioApiDouble) -> None:
        self.servers = servers
        self.local_url = f"{servers.url}/webhooks/twilio_voice/webhook"
        self.clock_file = clock_file
        self.twilio_api = twilio_api
        self.validator = RequestValidator(AUTH_TOKEN)

    @classmethod
    @contextlib.contextmanager
    def start(cls, directory: Path, model: Path) -> Iterator["PhoneLine"]:
        action_port, port = free_port(), free_port()
        clock_file = directory / "clock"
        with TwilioApiDouble() as twilio_api:
            settings = ServerSettings(
                model=model,
                port=port,
                action_port=action_port,
                endpoints=write_endpoints(directory, action_port),
                credentials=write_credentials(directory),
                log_dir=directory / "log",
                env={
                    "ASSISTANT_CLOCK_FILE": str(clock_file),
                    "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                    "TWILIO_SMS_FROM": "+33700000000",
                    "TWILIO_API_BASE_URL": twilio_api.url,
                },
            )
            with Servers(settings) as servers:
                yield cls(servers, clock_file, twilio_api)

    def set_clock(self, iso_moment: str) -> None:
        self.clock_file.write_text(iso_moment, encoding="utf-8")

    def call(self, caller: str = CALLER) -> "PhoneCall":
        return PhoneCall(self, caller)

    def post(
        self,
        params: Dict[str, str],
        public_url: str = PUBLIC_URL,
        signature: Optional[str] = None,
        body: Optional[bytes] = None,
    ) -> requests.Response:
        """POST like Twilio: form fields, signed over ``public_url`` unless ``signature``
        is given ("" sends none); the request goes to the matching local URL."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is None:
            headers["X-Twilio-Signature"] = self.validator.compute_signature(public_url, params)
        elif signature:
            headers["X-Twilio-Signature"] = signature
        local = self.local_url + public_url[len(PUBLIC_URL):]
        return requests.post(local, data=body if body is not None else params, headers=headers, timeout=30)


class PhoneCall:
    """One call: each method is what the caller does, and returns the TwiML heard."""

    def __init__(self, line: PhoneLine, caller: str) -> None:
        self.line = line
        self.caller = caller
        self.sid = "CA" + uuid.uuid4().hex
        self.next_url = PUBLIC_URL
        self.last: Optional[Twiml] = None

    def fields(self, **extra: str) -> Dict[str, str]:
        return {
            "CallSid": self.sid,
            "AccountSid": ACCOUNT_SID,
            "From": self.caller,
            "To": LINE_NUMBER,
            "CallStatus": "in-progress",
            "ApiVersion": "2010-04-01",
            "Direction": "inbound",
            **extra,
        }

    def _post(self, **extra: str) -> Twiml:
        reply = self.line.post(self.fields(**extra), public_url=self.next_url)
        assert reply.status_code == 200, reply.text
        assert reply.headers["Content-Type"].startswith("text/xml")
        self.last = Twiml(reply.text)
        self.next_url = self.last.action or self.next_url
        return self.last

    def start(self) -> Twiml:
        return self._post(CallStatus="ringing")

    def say(self, text: str, confidence: str = "0.92") -> Twiml:
        return self._post(SpeechResult=text, Confidence=confidence)

    def press(self, digits: str) -> Twiml:
        return self._post(Digits=digits)

    def stay_silent(self) -> Twiml:
        return self._post()

    def transfer_ended(self, status: str) -> Twiml:
        return self._post(DialCallStatus=status, DialCallDuration="42")
