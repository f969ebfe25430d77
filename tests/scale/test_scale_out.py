"""Scale-out on real engines: 2 Rasa servers and 2 action servers behind nginx, conversations
in PostgreSQL (Rasa's SQLTrackerStore), turns serialised by Redis (Rasa's RedisLockStore).

The last test stops the action servers: keep it last.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any, Dict, List, Tuple

import psycopg2
import pytest
import redis

from tests.integration.conftest import metadata_of
from tests.scale.conftest import ScaleStack, new_sender, say

pytestmark = pytest.mark.scale


def tracker_events(stack: ScaleStack, sender: str) -> List[Tuple[str, str, Dict[str, Any]]]:
    """``(type_name, action_name, data)`` of a conversation's events in PostgreSQL."""
    backends = stack.backends
    connection = psycopg2.connect(
        host=backends.db_host, port=backends.db_port, dbname=backends.db_name,
        user=backends.db_user, password=backends.db_password,
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT type_name, action_name, data FROM events WHERE sender_id = %s ORDER BY id",
                (sender,),
            )
            return [(kind, action, json.loads(data)) for kind, action, data in cursor.fetchall()]
    finally:
        connection.close()


def user_texts(events: List[Tuple[str, str, Dict[str, Any]]]) -> List[str]:
    return [data["text"] for kind, _, data in events if kind == "user"]


def test_context_is_kept_when_turns_alternate_between_servers(scale_stack):
    first, second = scale_stack.cluster.rasa_urls
    sender = new_sender()

    asked = metadata_of(say(first, sender, "comment demander le RSA ?"))
    assert (asked["dispositif"], asked["attribute"]) == ("rsa", "demarches")

    follow_up = metadata_of(say(second, sender, "et il faut quels papiers ?"))
    assert (follow_up["dispositif"], follow_up["attribute"]) == ("rsa", "documents")

    again = metadata_of(say(first, sender, "et qui je dois contacter ?"))
    assert again["dispositif"] == "rsa"


def test_the_proxy_spreads_turns_round_robin_and_keeps_the_conversation(scale_stack):
    cluster = scale_stack.cluster
    sender = new_sender()
    before = len(cluster.proxy.access_log.read_text().splitlines())

    assert metadata_of(say(cluster.url, sender, "comment demander le RSA ?"))["dispositif"] == "rsa"
    follow_up = metadata_of(say(cluster.url, sender, "et il faut quels papiers ?"))
    assert (follow_up["dispositif"], follow_up["attribute"]) == ("rsa", "documents")
    for _ in range(2):
        assert say(cluster.url, sender, "c'est quoi la PCH ?")

    lines = cluster.proxy.access_log.read_text().splitlines()[before:]
    served_by = {
        int(match.group(1))
        for line in lines
        if "/webhooks/rest/webhook" in line and (match := re.search(r":(\d+) [\d.]+$", line))
    }
    assert served_by == set(cluster.rasa_ports)


def test_concurrent_messages_of_one_conversation_run_one_at_a_time(scale_stack):
    cluster = scale_stack.cluster
    sender = new_sender()
    questions = {
        "comment demander le RSA ?": "rsa",
        "c'est quoi la PCH ?": "pch",
        "je voudrais une aide pour payer mon permis de conduire": "aide_permis",
        "comment faire du covoiturage pour aller au travail": "covoiturage",
        "mon propriétaire ne veut pas me rendre ma caution": "adil",
    }
    start = threading.Barrier(len(questions))
    answers: Dict[str, Any] = {}

    def ask(question: str) -> None:
        start.wait()
        try:
            answers[question] = say(cluster.url, sender, question)
        except BaseException as error:  # noqa: BLE001 - reported below
            answers[question] = error

    threads = [threading.Thread(target=ask, args=(question,)) for question in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    for question, dispositif in questions.items():
        assert not isinstance(answers[question], BaseException), answers[question]
        metadata = metadata_of(answers[question])
        assert metadata.get("kind") != "technical_problem", question
        assert metadata["dispositif"] == dispositif, question

    events = tracker_events(scale_stack, sender)
    assert sorted(user_texts(events)) == sorted(questions)
    # Serialised turns: each user message is answered and followed by action_listen
    # before the next user message is taken in.
    turns: List[List[Tuple[str, str, Dict[str, Any]]]] = []
    for event in events:
        if event[0] == "user":
            turns.append([])
        if turns:
            turns[-1].append(event)
    for turn in turns:
        kinds = [kind for kind, _, _ in turn]
        assert "bot" in kinds, turn
        assert turn[-1][0] == "action" and turn[-1][1] == "action_listen", turn

    commands = redis.Redis(port=scale_stack.engines.redis.port).info("commandstats")
    assert commands.get("cmdstat_set", {}).get("calls", 0) > 0, "the lock store is not Redis"


def test_conversations_continue_after_a_postgres_restart(scale_stack):
    cluster = scale_stack.cluster
    first, second = cluster.rasa_urls
    sender = new_sender()
    assert metadata_of(say(first, sender, "comment demander le RSA ?"))["dispositif"] == "rsa"

    scale_stack.engines.postgres.restart()

    # Each server now holds a pooled connection that PostgreSQL cut.
    follow_up = metadata_of(say(first, sender, "et il faut quels papiers ?"))
    assert (follow_up["dispositif"], follow_up["attribute"]) == ("rsa", "documents")
    other = metadata_of(say(second, sender, "et qui je dois contacter ?"))
    assert other["dispositif"] == "rsa"
    assert other.get("kind") != "technical_problem"

    assert user_texts(tracker_events(scale_stack, sender)) == [
        "comment demander le RSA ?",
        "et il faut quels papiers ?",
        "et qui je dois contacter ?",
    ]
    for port in cluster.rasa_ports:
        log = cluster.rasa_log(port).read_text(encoding="utf-8", errors="replace")
        assert "Falling back to use the 'InMemoryTrackerStore'" not in log


def test_tracker_events_are_stored_in_postgres(scale_stack):
    sender = new_sender()
    say(scale_stack.cluster.url, sender, "comment demander le RSA ?")

    events = tracker_events(scale_stack, sender)
    kinds = [kind for kind, _, _ in events]
    assert user_texts(events) == ["comment demander le RSA ?"]
    assert "bot" in kinds
    assert ("action", "action_answer_dispositif") in [(kind, action) for kind, action, _ in events]
    bot = [data for kind, _, data in events if kind == "bot"]
    assert any((data.get("data") or {}).get("custom", {}).get("dispositif") == "rsa" for data in bot)


def test_callback_requests_are_stored_in_postgres(scale_stack):
    cluster = scale_stack.cluster
    sender = new_sender()
    for text in ("/request_callback", "Marie Dupont", "06 12 34 56 78",
                 "une question sur le RSA", "/affirm"):
        say(cluster.url, sender, text)

    connection = psycopg2.connect(scale_stack.backends.callback_db_url.replace("+psycopg2", ""))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT phone, status FROM callback_requests WHERE conversation_id = %s", (sender,)
            )
            assert cursor.fetchall() == [("+33612345678", "open")]
    finally:
        connection.close()


def test_with_the_action_servers_down_users_get_an_apology_and_the_hotline(
    scale_stack, knowledge_base
):
    cluster = scale_stack.cluster
    cluster.stop_action_servers()
    sender = new_sender()

    messages = say(cluster.url, sender, "comment demander le RSA ?")

    assert len(messages) == 1
    metadata = messages[0]["custom"]
    assert metadata["kind"] == "technical_problem"
    assert metadata["handoff"] is True and metadata["dispositif"] is None
    phone = knowledge_base.get("gps_administration").contacts[0].phone
    assert phone in messages[0]["text"]
    assert all(process.poll() is None for process in cluster.rasa_processes)
