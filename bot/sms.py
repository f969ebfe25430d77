"""SMS follow-up of a phone call, sent with Twilio Messaging (the official ``twilio`` client).

Configuration is read once from the environment:

* ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``: the account;
* ``TWILIO_SMS_FROM``: the sender, a phone number, an alphanumeric sender id or a
  Messaging Service SID (``MG...``);
* ``TWILIO_API_BASE_URL`` (optional): another server speaking Twilio's REST API, e.g. a
  test double. Twilio's documentation points to a custom HTTP client for this, which is
  what ``ApiBaseHttpClient`` is.

Without the first three the phone line makes no SMS offer. A caller's number is never
written to the logs in clear (``mask_phone``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
from requests import RequestException
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

logger = logging.getLogger(__name__)

SMS_TIMEOUT_SECONDS = 5.0
SMS_CAPABLE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


@dataclass(frozen=True)
class SmsSettings:
    """Twilio Messaging credentials and sender."""

    account_sid: str
    auth_token: str
    sender: str
    api_base_url: Optional[str] = None

    @classmethod
    def from_environment(
        cls, environment: Mapping[str, str] = os.environ
    ) -> Optional["SmsSettings"]:
        """The settings, or ``None`` when SMS is not configured (no offer is made)."""
        values = [environment.get(name, "").strip() for name in
                  ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_FROM")]
        if not all(values):
            return None
        return cls(*values, api_base_url=environment.get("TWILIO_API_BASE_URL") or None)


class ApiBaseHttpClient(TwilioHttpClient):
    """Sends the requests meant for ``https://api.twilio.com`` to ``base_url`` instead."""

    def __init__(self, base_url: str, timeout: float = SMS_TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.base_url = urlsplit(base_url)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        target = urlsplit(url)
        rewritten = urlunsplit(
            (self.base_url.scheme, self.base_url.netloc,
             self.base_url.path.rstrip("/") + target.path, target.query, "")
        )
        return super().request(method, rewritten, *args, **kwargs)


class SmsSender:
    """Sends one SMS per accepted offer."""

    def __init__(self, settings: SmsSettings) -> None:
        http_client = (
            ApiBaseHttpClient(settings.api_base_url)
            if settings.api_base_url
            else TwilioHttpClient(timeout=SMS_TIMEOUT_SECONDS)
        )
        self.settings = settings
        self.client = Client(settings.account_sid, settings.auth_token, http_client=http_client)

    def send(self, to: str, body: str) -> str:
        """Send ``body`` to ``to`` (E.164); returns the message SID. Blocking."""
        sender = self.settings.sender
        sender_argument = (
            {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        )
        message = self.client.messages.create(to=to, body=body, **sender_argument)
        logger.info("SMS %s sent to %s.", message.sid, mask_phone(to))
        return str(message.sid)

    async def send_async(self, to: str, body: str) -> bool:
        """Send without blocking the server's event loop; ``False`` if it failed."""
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(self.send, to, body)
            )
        except (TwilioException, RequestException, OSError) as error:
            logger.error("SMS to %s failed: %s", mask_phone(to), type(error).__name__)
            return False
        return True


def can_receive_sms(number: Optional[str]) -> bool:
    """Is ``number`` (E.164) a mobile number, one that can receive an SMS?"""
    if not number:
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in SMS_CAPABLE_TYPES


def mask_phone(number: Optional[str]) -> str:
    """A number fit for the logs: "+33612345678" -> "+33 6 •• •• •• 78"."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) < 6:
        return "••"
    try:
        country = str(phonenumbers.parse("+" + digits, None).country_code)
    except phonenumbers.NumberParseException:
        country = digits[:2]
    national = digits[len(country):]
    hidden = " ".join("••" for _ in range(max((len(national) - 3) // 2, 1)))
    return f"+{country} {national[0]} {hidden} {national[-2:]}"


def last_digits(number: Optional[str]) -> str:
    """The last two digits, said to the caller to confirm where the SMS went."""
    return re.sub(r"\D", "", number or "")[-2:]
