"""Website chat: a socket.io input channel, and the page that talks to it.

Rasa's stock ``socketio`` channel does not fit the page:

* its output splits texts on blank lines and sends a message's custom payload through
  ``sio.emit(event, **payload)``, which fails on the answer metadata (``dispositif``,
  ``sources``, ``handoff`` are not ``emit`` arguments);
* with ``session_persistence`` it never joins the socket to the session's room (it calls
  ``AsyncServer.enter_room`` without ``await``, a coroutine since python-socketio 5.10),
  so bot messages addressed to the session reach nobody.

This channel keeps the stock protocol (``session_request`` / ``session_confirm``,
``user_uttered`` with ``{"message", "session_id"}``) and sends ONE ``bot_uttered`` event
per bot message::

    {"text": "...", "quick_replies": [{"title": "...", "payload": "/..."}],
     "custom": {"dispositif": "rsa", "sources": [...], "handoff": false, ...}}

It also serves the page and its assets (``bot/web/``, socket.io-client installed there by
``npm ci``) at ``/webhooks/web/``. The socket.io endpoint stays at ``/socket.io``.

Inbound text is capped and cleaned; anything that is not a usable message is ignored
without failing. Metadata sent by the browser is not passed on: actions trust metadata
keys such as ``caller`` that only the phone channel may set.
"""

from __future__ import annotations

import html
import logging
import re
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple, TypedDict

from rasa.core.channels.channel import (
    InputChannel,
    OutputChannel,
    UserMessage,
    decode_bearer_token,
)
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.nlu.length_cap import cap_text

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
SOCKET_IO_CLIENT = WEB_DIR / "node_modules" / "socket.io-client" / "dist"

# The NLU pipeline reads the first 600 characters; a call-back subject may be longer.
MAX_MESSAGE_CHARACTERS = 2_000
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What the page may load: file name under /webhooks/web/assets/ -> (path, content type).
ASSETS: Dict[str, Tuple[Path, str]] = {
    "chat.js": (WEB_DIR / "chat.js", "text/javascript; charset=utf-8"),
    "chat.css": (WEB_DIR / "chat.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (SOCKET_IO_CLIENT / "socket.io.min.js", "text/javascript; charset=utf-8"),
    "socket.io.min.js.map": (SOCKET_IO_CLIENT / "socket.io.min.js.map", "application/json"),
}

# Everything the page needs comes from this server; nothing runs inline.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class QuickReply(TypedDict):
    title: str
    payload: str


class WebBotMessage(TypedDict):
    """What the page receives for one bot message."""

    text: str
    quick_replies: List[QuickReply]
    custom: Dict[str, Any]


def web_bot_message(message: Dict[str, Any]) -> WebBotMessage:
    """The ``bot_uttered`` payload of one bot message (as Rasa hands it to channels)."""
    buttons = message.get("buttons") or message.get("quick_replies") or []
    quick_replies: List[QuickReply] = [
        {"title": button["title"], "payload": button["payload"]}
        for button in buttons
        if isinstance(button, dict)
        and isinstance(button.get("title"), str)
        and isinstance(button.get("payload"), str)
    ]
    text = message.get("text")
    custom = message.get("custom")
    return {
        "text": text if isinstance(text, str) else "",
        "quick_replies": quick_replies,
        "custom": custom if isinstance(custom, dict) else {},
    }


def inbound_text(data: Any) -> Optional[str]:
    """The text of a ``user_uttered`` event, cleaned and capped; ``None`` if unusable."""
    if not isinstance(data, dict):
        return None
    text = data.get("message")
    if not isinstance(text, str):
        return None
    text = CONTROL_CHARACTERS.sub("", text).strip()
    if not text:
        return None
    return cap_text(text, MAX_MESSAGE_CHARACTERS)


def valid_session_id(data: Any) -> Optional[str]:
    """The ``session_id`` of an event if it looks like one the page makes, else ``None``."""
    session_id = data.get("session_id") if isinstance(data, dict) else None
    if isinstance(session_id, str) and SESSION_ID.match(session_id):
        return session_id
    return None


def render_page(socketio_path: str) -> str:
    """``index.html`` with the socket.io path this channel listens on."""
    page = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    return page.replace("{{socketio_path}}", html.escape(socketio_path, quote=True))


class WebChatOutput(OutputChannel):
    """Sends each bot message as one ``bot_uttered`` event to the session's room."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    def __init__(self, sio: AsyncServer, bot_message_evt: Text, namespace: Optional[Text]) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt
        self.namespace = namespace

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        payload = web_bot_message(message)
        if not (payload["text"] or payload["quick_replies"] or payload["custom"]):
            return
        await self.sio.emit(
            self.bot_message_evt, payload, room=recipient_id, namespace=self.namespace
        )

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WebChatInput(SocketIOInput):
    """The socket.io channel of the website chat (see the module docstring).

    ``credentials.yml`` takes the stock ``socketio`` keys, plus ``cors_allowed_origins``
    (default: the page's own origin only; a list of origins, or ``"*"``).
    """

    @classmethod
    def name(cls) -> Text:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, WebChatInput)
        channel.cors_allowed_origins = credentials.get("cors_allowed_origins")
        return channel

    def __init__(self, *arguments: Any, **keywords: Any) -> None:
        super().__init__(*arguments, **keywords)
        self.cors_allowed_origins: Optional[Any] = None

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return None
        return WebChatOutput(self.sio, self.bot_message_evt, self.namespace)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins)
        self.sio = sio
        socketio_path = self.socketio_path or "/socket.io"
        web = SocketBlueprint(sio, socketio_path, "web_chat", __name__)
        page = render_page(socketio_path)
        namespace = self.namespace

        @web.route("/", methods=["GET"])
        async def chat_page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                # The page's assets are relative to /webhooks/web/.
                return response.redirect(request.path + "/")
            return response.html(page, headers=PAGE_HEADERS)

        @web.route("/assets/<name:str>", methods=["GET"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            path, content_type = ASSETS.get(name, (None, ""))
            if path is None or not path.is_file():
                return response.text("Fichier introuvable.", status=404)
            return await response.file(
                path,
                mime_type=content_type,
                headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
            )

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            await self._join_session(sid, valid_session_id(data) or uuid.uuid4().hex)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def user_uttered(sid: Text, data: Any) -> None:
            text = inbound_text(data)
            if text is None:
                logger.debug("Ignored an unusable web message from %s.", sid)
                return
            sender = await self._sender_of(sid, data)
            output = WebChatOutput(sio, self.bot_message_evt, namespace)
            message = UserMessage(
                text, output, sender, input_channel=self.name(), metadata={"channel": "web"}
            )
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - one failed turn must not break the socket
                logger.exception("Message handling failed for a web conversation.")

        return web

    async def _join_session(self, sid: str, session_id: str) -> None:
        """Put the socket in the session's room (leaving its previous one) and confirm."""
        assert self.sio is not None
        if self.session_persistence:
            saved = await self.sio.get_session(sid, namespace=self.namespace)
            previous = saved.get("session_id")
            if previous and previous != session_id:
                await self.sio.leave_room(sid, previous, namespace=self.namespace)
            await self.sio.enter_room(sid, session_id, namespace=self.namespace)
            await self.sio.save_session(sid, {"session_id": session_id}, namespace=self.namespace)
        await self.sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

    async def _sender_of(self, sid: str, data: Any) -> str:
        """The conversation a message belongs to: its session, or the socket itself."""
        assert self.sio is not None
        if not self.session_persistence:
            return sid
        saved = (await self.sio.get_session(sid, namespace=self.namespace)).get("session_id")
        session_id = valid_session_id(data) or saved
        if session_id != saved or session_id is None:
            session_id = session_id or uuid.uuid4().hex
            await self._join_session(sid, session_id)
        return session_id
