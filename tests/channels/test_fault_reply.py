"""The technical-problem reply to a turn that produced no answer."""

from __future__ import annotations

from bot.channels.fault_reply import technical_problem_message


def test_the_apology_gives_the_hotline_from_the_knowledge_base(domain, knowledge_base):
    message = technical_problem_message("abc", domain["responses"])

    gps = knowledge_base.get("gps_administration")
    assert message["recipient_id"] == "abc"
    assert gps.contacts[0].phone in message["text"]
    assert message["text"].startswith("Désolé")
    assert message["custom"]["handoff"] is True
    assert message["custom"]["dispositif"] is None
    assert message["custom"]["kind"] == "technical_problem"
    assert message["custom"]["sources"] == knowledge_base.cite(
        gps, [key for contact in gps.contacts for key in contact.sources]
    )


def test_no_apology_without_the_response_in_the_model_domain():
    assert technical_problem_message("abc", {}) is None
