"""Validation of REST requests before they reach Rasa."""

from __future__ import annotations

import json

import pytest

from bot.channels.rest import RequestError, parse_message_request


def body(**payload) -> bytes:
    return json.dumps(payload).encode()


def test_a_valid_request_is_parsed():
    assert parse_message_request(body(sender="abc-1", message="bonjour")) == ("abc-1", "bonjour", None)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00binary",
        b"[1, 2]",
        body(message="bonjour"),
        body(sender="", message="bonjour"),
        body(sender="a" * 200, message="bonjour"),
        body(sender="<script>", message="bonjour"),
        body(sender="abc", message=""),
        body(sender="abc", message="   "),
        body(sender="abc", message=42),
        body(sender="abc", message="ok", metadata="x"),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(raw):
    with pytest.raises(RequestError) as error:
        parse_message_request(raw)
    assert str(error.value)


def test_nul_characters_are_dropped():
    assert parse_message_request(body(sender="abc", message="bon\x00jour"))[1] == "bonjour"
