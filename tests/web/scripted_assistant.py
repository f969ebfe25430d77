"""The web channel in a bare Sanic app whose "assistant" answers from a script.

Lets the channel protocol and the page's rendering be tested without a trained model:
``python -m tests.web.scripted_assistant --port 5099``. Replies by the user's text:

* ``html``: a bot text full of markup, a ``javascript:`` URL, an http URL and bullets;
* ``deux messages``: two bot messages in one turn;
* ``/ask_human``: a handoff message;
* ``metadata``: echoes the metadata the channel passed on (in ``custom``);
* anything else: "Vous avez écrit : <text>" with quick replies and two sources.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any, Dict, List

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.web import WebChatInput

MARKUP_TEXT = (
    "<b>gras</b> <img src=x onerror=\"window.__xss=1\"> <script>window.__xss=1</script>\n"
    "Lien : https://exemple.fr/aide?x=1&y=2. Pas un lien : javascript:window.__xss=1\n"
    "- premier point\n"
    "- second point (voir https://exemple.fr/a_(b))\n"
    "\n"
    "Fin."
)


def replies_to(message: UserMessage) -> List[Dict[str, Any]]:
    text = message.text or ""
    if text == "html":
        return [{"text": MARKUP_TEXT}]
    if text == "deux messages":
        return [{"text": "Premier message."}, {"text": "Second message.\n\nAvec un paragraphe."}]
    if text == "/ask_human":
        return [{
            "text": "Un conseiller peut vous répondre : 03 21 21 62 16.",
            "custom": {"dispositif": None, "sources": [], "handoff": True},
        }]
    if text == "metadata":
        return [{"text": "Métadonnées", "custom": {"received": message.metadata}}]
    return [{
        "text": f"Vous avez écrit : {text}",
        "buttons": [
            {"title": "Suite", "payload": "/suite"},
            {"title": "Parler à un conseiller", "payload": "/ask_human"},
        ],
        "custom": {
            "dispositif": "test",
            "handoff": False,
            "sources": [
                {"ref": "a", "title": "Guide public", "url": "https://exemple.fr/guide",
                 "verified": False},
                {"ref": "b", "title": "Schéma départemental (2017)", "quote": "…",
                 "verified": True},
                {"ref": "c", "title": "Schéma départemental (2017)", "quote": "…",
                 "verified": True},
            ],
        },
    }]


def build_app() -> Sanic:
    app = Sanic("scripted_assistant")
    channel = WebChatInput.from_credentials({"session_persistence": True})

    async def on_new_message(message: UserMessage) -> None:
        for reply in replies_to(message):
            await message.output_channel.send_response(message.sender_id, reply)

    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/web")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    build_app().run(host="127.0.0.1", port=arguments.port, access_log=False)


if __name__ == "__main__":
    main()
