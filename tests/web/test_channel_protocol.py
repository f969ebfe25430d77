"""The web channel's socket.io protocol and page serving, against the scripted assistant."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any, Dict, Iterator, List

import pytest
import socketio

SESSION = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def client(scripted_assistant: str) -> Iterator[socketio.SimpleClient]:
    with socketio.SimpleClient() as sio:
        sio.connect(scripted_assistant, transports=["websocket"])
        yield sio


def events(sio: socketio.SimpleClient, timeout: float = 1.5) -> List[List[Any]]:
    """Every event received until none arrives for ``timeout`` seconds."""
    received = []
    while True:
        try:
            received.append(sio.receive(timeout=timeout))
        except socketio.exceptions.TimeoutError:
            return received


def start_session(sio: socketio.SimpleClient, session_id: Any = SESSION) -> str:
    sio.emit("session_request", {"session_id": session_id})
    event, confirmed = sio.receive(timeout=5)
    assert event == "session_confirm"
    return confirmed


def bot_messages(sio: socketio.SimpleClient) -> List[Dict[str, Any]]:
    return [payload for event, payload in events(sio) if event == "bot_uttered"]


def test_a_session_is_confirmed_as_requested_or_created(client):
    assert start_session(client) == SESSION
    for odd in (None, 42, "../etc", "x" * 500, {"a": 1}):
        created = start_session(client, odd)
        assert created != SESSION and len(created) == 32


def test_each_bot_message_is_one_event_with_text_quick_replies_and_metadata(client):
    start_session(client)
    client.emit("user_uttered", {"message": "bonjour", "session_id": SESSION})
    [message] = bot_messages(client)
    assert message["text"] == "Vous avez écrit : bonjour"
    assert message["quick_replies"] == [
        {"title": "Suite", "payload": "/suite"},
        {"title": "Parler à un conseiller", "payload": "/ask_human"},
    ]
    assert message["custom"]["dispositif"] == "test"
    assert message["custom"]["handoff"] is False
    assert len(message["custom"]["sources"]) == 3


def test_paragraphs_are_not_split_into_messages(client):
    start_session(client)
    client.emit("user_uttered", {"message": "deux messages", "session_id": SESSION})
    texts = [message["text"] for message in bot_messages(client)]
    assert texts == ["Premier message.", "Second message.\n\nAvec un paragraphe."]


def test_messages_reach_every_socket_of_the_session(scripted_assistant, client):
    """The stock channel never joins the session's room: replies reached nobody."""
    start_session(client)
    with socketio.SimpleClient() as other_tab:
        other_tab.connect(scripted_assistant, transports=["websocket"])
        start_session(other_tab)
        client.emit("user_uttered", {"message": "bonjour", "session_id": SESSION})
        assert len(bot_messages(client)) == 1
        assert len(bot_messages(other_tab)) == 1


def test_a_message_without_session_request_still_gets_an_answer(client):
    client.emit("user_uttered", {"message": "bonjour", "session_id": SESSION})
    received = events(client)
    assert ["session_confirm", SESSION] in received
    assert [event for event, _ in received].count("bot_uttered") == 1


@pytest.mark.parametrize(
    "data",
    [None, 42, "bonjour", [], {}, {"message": None}, {"message": 42}, {"message": ""},
     {"message": "   \x00 "}, {"message": ["liste"]}],
)
def test_unusable_messages_are_ignored_and_the_socket_keeps_working(client, data):
    start_session(client)
    client.emit("user_uttered", data)
    assert bot_messages(client) == []
    client.emit("user_uttered", {"message": "bonjour", "session_id": SESSION})
    assert len(bot_messages(client)) == 1


def test_huge_messages_are_capped(client):
    start_session(client)
    client.emit("user_uttered", {"message": "mot " * 100_000, "session_id": SESSION})
    [message] = bot_messages(client)
    assert len(message["text"]) < 2_100


def test_metadata_from_the_browser_is_not_passed_to_the_assistant(client):
    start_session(client)
    client.emit(
        "user_uttered",
        {"message": "metadata", "session_id": SESSION, "metadata": {"caller": "+33612345678"}},
    )
    [message] = bot_messages(client)
    assert message["custom"]["received"] == {"channel": "web"}


def fetch(url: str) -> urllib.request.addinfourl:
    try:
        return urllib.request.urlopen(url, timeout=5)
    except urllib.error.HTTPError as error:
        return error


def test_the_page_and_its_assets_are_served_locally(scripted_assistant):
    page = fetch(f"{scripted_assistant}/webhooks/web/")
    html = page.read().decode("utf-8")
    assert page.status == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'lang="fr"' in html and 'data-socketio-path="/socket.io"' in html
    for address in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert not re.match(r"^(https?:)?//", address), f"external asset: {address}"
    for asset, content_type in [
        ("chat.js", "text/javascript"),
        ("chat.css", "text/css"),
        ("socket.io.min.js", "text/javascript"),
    ]:
        reply = fetch(f"{scripted_assistant}/webhooks/web/assets/{asset}")
        assert reply.status == 200, asset
        assert reply.headers["Content-Type"].startswith(content_type)
    for missing in ("assets/index.html", "assets/..%2F..%2Fchannels%2Fweb.py", "assets/"):
        assert fetch(f"{scripted_assistant}/webhooks/web/{missing}").status == 404


def test_the_page_url_without_slash_redirects(scripted_assistant):
    reply = fetch(f"{scripted_assistant}/webhooks/web")
    assert reply.status == 200
    assert reply.geturl().endswith("/webhooks/web/")
