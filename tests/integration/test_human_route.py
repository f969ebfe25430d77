"""The human route with the real servers and a real call-back database: opening hours at
their boundaries, the call-back form, persistence across a restart, no personal data in
the logs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from bot.launcher import PROJECT_DIR, Servers
from tests.integration.conftest import Assistant, local_settings, metadata_of

pytestmark = pytest.mark.servers

HOTLINE = "03 21 216 216"
NAME, PHONE_TYPED, PHONE_STORED = "Josiane Vandenbussche", "06 98 76 54 32", "+33698765432"


@pytest.fixture(scope="module")
def human_route(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    directory = tmp_path_factory.mktemp("human-route")
    env = {
        "ASSISTANT_CLOCK_FILE": str(directory / "clock"),
        "CALLBACK_DB_URL": f"sqlite:///{directory / 'callbacks.db'}",
    }
    with Servers(local_settings(directory, env)) as servers:
        yield Assistant(servers, directory / "clock")


def callbacks_cli(assistant: Assistant, *arguments: str) -> str:
    """The agents' command, in its own process, on the servers' call-back database."""
    url = assistant.servers.settings.env["CALLBACK_DB_URL"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "callbacks", *arguments, "--url", url],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ("2026-11-23T20:59:00+01:00", True),  # Monday
        ("2026-11-23T21:00:00+01:00", False),
        ("2026-11-28T13:59:00+01:00", True),  # Saturday
        ("2026-11-28T14:00:00+01:00", False),
        ("2026-11-29T10:00:00+01:00", False),  # Sunday
        ("2026-12-25T10:00:00+01:00", False),  # Christmas, a Friday
        ("2027-05-06T10:00:00+02:00", False),  # Ascension Thursday
    ],
)
def test_the_hotline_is_given_only_while_it_is_open(human_route, moment, is_open):
    human_route.set_clock(moment)
    messages = human_route.say(human_route.new_sender(), "je veux parler à quelqu'un")
    metadata = metadata_of(messages)
    assert metadata["handoff"] is True and metadata["open_now"] is is_open
    text = messages[0]["text"]
    if is_open:
        assert HOTLINE in text
        assert not messages[0].get("buttons")
    else:
        assert "rouvre" in text
        assert any(button["payload"] == "/request_callback" for button in messages[0]["buttons"])


def test_a_call_back_request_is_validated_stored_and_outlives_the_servers(human_route):
    human_route.set_clock("2026-11-29T10:00:00+01:00")
    sender = human_route.new_sender()
    human_route.say(sender, "je veux parler à un conseiller")
    asked_name = human_route.say(sender, "oui")
    assert "nom" in asked_name[-1]["text"]
    asked_phone = human_route.say(sender, NAME)
    assert "téléphone" in asked_phone[-1]["text"]
    for wrong in ("12345", "01 02", "+44 20 7946 0958"):
        again = human_route.say(sender, wrong)
        assert "numéro français valide" in " ".join(m["text"] for m in again)
    asked_subject = human_route.say(sender, PHONE_TYPED)
    assert "sujet" in asked_subject[-1]["text"]
    human_route.say(sender, "mon dossier APA")
    saved = human_route.say(sender, "/affirm")
    assert "vous rappellera" in " ".join(m["text"] for m in saved)

    human_route.servers.stop()
    listed = callbacks_cli(human_route, "list")
    human_route.servers.start()

    [line] = [line for line in listed.splitlines() if PHONE_STORED in line]
    assert NAME in line and "mon dossier APA" in line and "open" in line

    logs = [human_route.servers.action_log, human_route.servers.rasa_log]
    for log in logs:
        text = Path(log).read_text(encoding="utf-8", errors="replace")
        assert PHONE_STORED not in text and "98 76 54 32" not in text, log
        assert "Vandenbussche" not in text, log
