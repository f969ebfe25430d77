"""The reply to a turn that produced no bot message.

Rasa 3.6 swallows a custom action that fails (action server down or answering 5xx: the
processor logs "Encountered an exception while running action", drops the action's
events and predicts the next action, ``action_listen``), so the user would get an empty
answer; other failures (lock store unreachable...) end the turn the same way. The channel
then sends ``utter_technical_problem``: an apology and the GPS administration hotline,
whose contact comes from the knowledge base (already loaded in the Rasa server by the NLU
pipeline).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from actions.answers import GPS_ID, gps_contact_line
from actions.metadata import answer_metadata
from actions.texts import response_text
from knowledge.base import get_knowledge_base

logger = logging.getLogger(__name__)

TECHNICAL_PROBLEM = "utter_technical_problem"


def technical_problem_message(
    recipient_id: str, responses: Dict[str, List[Dict[str, Any]]]
) -> Optional[Dict[str, Any]]:
    """The apology with the human route, as one REST message; ``None`` if the model's
    domain lacks the response (a model trained before it was added)."""
    base = get_knowledge_base()
    gps = base.get(GPS_ID)
    try:
        text = response_text(
            {"responses": responses}, TECHNICAL_PROBLEM, gps_contact=gps_contact_line(base)
        )
    except KeyError:
        logger.error("The model's domain has no %s response: retrain the model.", TECHNICAL_PROBLEM)
        return None
    sources = (
        base.cite(gps, [key for contact in gps.contacts for key in contact.sources]) if gps else []
    )
    return {
        "recipient_id": recipient_id,
        "text": text,
        "custom": answer_metadata(None, sources, handoff=True, kind="technical_problem"),
    }
