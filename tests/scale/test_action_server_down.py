"""SPEC §7 faults: the real Rasa server with no action server running answers with an
apology and the GPS administration hotline, never a 500 or an empty answer."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from bot.launcher import (
    server_environment,
    start_rasa_server,
    stop_processes,
    wait_for_rasa_server,
)
from deploy.services import free_port
from tests.integration.conftest import write_endpoints
from tests.scale.conftest import MODEL, new_sender, say

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def rasa_without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    directory: Path = tmp_path_factory.mktemp("no-actions")
    port, nobody_listens = free_port(), free_port()
    log = directory / "rasa.log"
    process = start_rasa_server(
        MODEL, port, log, server_environment(), endpoints=write_endpoints(directory, nobody_listens)
    )
    try:
        wait_for_rasa_server(port, process, log)
        yield f"http://localhost:{port}"
        assert process.poll() is None, "the Rasa server crashed"
    finally:
        stop_processes([process])


def test_a_question_needing_an_action_gets_an_apology_and_the_hotline(
    rasa_without_actions, knowledge_base
):
    messages = say(rasa_without_actions, new_sender(), "comment demander le RSA ?")

    assert len(messages) == 1
    gps = knowledge_base.get("gps_administration")
    assert gps.contacts[0].phone in messages[0]["text"]
    assert messages[0]["custom"] == {
        "dispositif": None,
        "sources": knowledge_base.cite(gps, [key for c in gps.contacts for key in c.sources]),
        "handoff": True,
        "kind": "technical_problem",
    }


def test_the_conversation_goes_on_after_the_failed_turn(rasa_without_actions):
    sender = new_sender()
    say(rasa_without_actions, sender, "comment demander le RSA ?")

    messages = say(rasa_without_actions, sender, "bonjour")

    assert messages and all(not message.get("custom") for message in messages)
