"""REST channel that refuses malformed requests instead of failing on them.

Rasa's stock ``rest`` channel answers a request without ``sender`` under one shared
"default" conversation and fails with a 500 on some bodies. This channel keeps the same URL
(``/webhooks/rest/webhook``) and JSON shape, and answers:

* 400 with a French explanation for a body that is not a JSON object, a missing or invalid
  ``sender``, a ``message`` that is not a non-empty string, or ``metadata`` that is not an
  object;
* one message per bot utterance, text, buttons and custom payload together (the stock
  channel splits them);
* an apology with the human route when the turn produced no bot message, e.g. because
  the action server is down (``bot.channels.fault_reply``).
"""

from __future__ import annotations

import json
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.fault_reply import technical_problem_message

logger = logging.getLogger(__name__)

SENDER = re.compile(r"^[A-Za-z0-9_.:@\-]{1,128}$")
MAX_BODY_CHARACTERS = 100_000


class RequestError(ValueError):
    """A request the channel refuses, with the reason given to the client."""


def parse_message_request(body: bytes) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """``(sender, text, metadata)`` from a request body, or ``RequestError``."""
    if len(body) > MAX_BODY_CHARACTERS * 4:
        raise RequestError("Requête trop volumineuse.")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RequestError("Le corps de la requête doit être un objet JSON en UTF-8.") from None
    if not isinstance(payload, dict):
        raise RequestError("Le corps de la requête doit être un objet JSON.")
    sender = payload.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        raise RequestError(
            "Le champ 'sender' est obligatoire : 1 à 128 caractères parmi lettres, "
            "chiffres et _ . : @ -."
        )
    text = payload.get("message")
    if not isinstance(text, str) or not text.strip():
        raise RequestError("Le champ 'message' doit être un texte non vide.")
    if len(text) > MAX_BODY_CHARACTERS:
        raise RequestError("Message trop long.")
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise RequestError("Le champ 'metadata' doit être un objet JSON.")
    return sender, text.replace("\x00", ""), metadata


class TurnCollector(CollectingOutputChannel):
    """Collects each bot utterance as one message: text, buttons and custom together."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        collected: Dict[str, Any] = {"recipient_id": recipient_id}
        for key in ("text", "buttons", "image", "attachment", "custom"):
            if message.get(key):
                collected[key] = message[key]
        if message.get("quick_replies") and "buttons" not in collected:
            collected["buttons"] = message["quick_replies"]
        await self._persist_message(collected)


class ValidatedRestInput(RestInput):
    """``/webhooks/rest/webhook`` with request validation (see module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("validated_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = parse_message_request(request.body or b"")
            except RequestError as error:
                return response.json({"error": str(error)}, status=400)
            messages = await handle_message(
                on_new_message, text, sender, self.name(), metadata
            )
            if not messages:
                logger.error("A turn produced no answer: sending the technical-problem reply.")
                apology = technical_problem_message(sender, request.app.ctx.agent.domain.responses)
                messages = [apology] if apology else []
            return response.json(messages)

        return webhook


async def handle_message(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: str,
    sender: str,
    input_channel: str,
    metadata: Optional[Dict[str, Any]],
) -> List[Dict[str, Any]]:
    """Run one user message through Rasa and return the bot's messages."""
    collector = TurnCollector()
    try:
        await on_new_message(
            UserMessage(text, collector, sender, input_channel=input_channel, metadata=metadata)
        )
    except CancelledError:
        logger.error("Message handling timed out for a conversation.")
    except Exception:  # noqa: BLE001 - the user still gets an answer, Rasa logs the cause
        logger.exception("Message handling failed for a conversation.")
    return collector.messages


__all__ = ["ValidatedRestInput", "InputChannel", "parse_message_request", "RequestError"]
