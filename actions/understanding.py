"""Decide what a message is about: which dispositif, which attribute, which commune.

Pure functions over the latest message and the slots, so that the agent CLI, the tests
and the actions share one interpretation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from knowledge.base import KnowledgeBase
from knowledge.schema import Dispositif
from knowledge.text import fold

ATTRIBUTES = ("conditions", "demarches", "documents", "contact", "horaires", "montant", "delai")

ATTRIBUTE_INTENTS = {f"ask_{attribute}": attribute for attribute in ATTRIBUTES}

# Below this confidence a topic intent yields to a dispositif the message names explicitly
# ("c'est quoi le FSL" classified with low confidence as another housing topic).
NAMED_DISPOSITIF_OVERRIDES_BELOW = 0.7

# Cues for the attribute a question asks, checked in order on the folded text (the first
# that matches wins: "combien de temps" is a delay before "combien" is an amount).
ATTRIBUTE_CUES = [
    ("delai", r"\b(combien de temps|delais?|duree|attendre|ca prend|quand (est ce que )?(je|on) (serai|sera|vais|va) (paye|verse))"),
    ("documents", r"\b(papiers?|pieces?|justificatifs?|documents?|fournir|photocopies?)\b"),
    ("montant", r"\b(combien|montants?|euros?|somme|bareme|touche|toucher|verse combien)\b"),
    ("horaires", r"\b(horaires?|ouvert|ouverte|ouverture|ferme|fermeture)\b"),
    ("contact", r"\b(adresse|telephone|tel|numero|appeler|joindre|contacter|contact|a qui|mail|site|bureau|agence|permanence)\b"),
    ("demarches", r"\b(comment (faire|on fait|je fais|demander|obtenir|avoir|faut il|s inscrire)|demande|demander|inscrire|inscription|postuler|deposer|formulaire|dossier|demarches?)\b"),
    ("conditions", r"\b(droit|droits|eligible|eligibilite|conditions?|qui peut|je peux (l )?avoir|jpeu|puis je|peut on|est ce que j y ai)\b"),
]
_COMPILED_CUES = [(attribute, re.compile(pattern)) for attribute, pattern in ATTRIBUTE_CUES]
_WHERE = re.compile(r"(^|\W)(où|ou ça|ou ca|c ou|c'est ou|cest ou)(\W|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Resolution:
    """The dispositif of the turn and why it was chosen (shown to agents)."""

    record: Optional[Dispositif]
    how: str  # "named", "intent", "context" or "none"


def entities_of(latest_message: Dict[str, Any], name: str) -> List[Dict[str, Any]]:
    return [entity for entity in latest_message.get("entities", []) if entity.get("entity") == name]


def _inside(entity: Dict[str, Any], spans: Sequence[Dict[str, Any]]) -> bool:
    return any(
        span.get("start", -1) <= entity.get("start", -2) and entity.get("end", 0) <= span.get("end", -1)
        for span in spans
    )


def resolve_dispositif(
    base: KnowledgeBase,
    intent: Optional[str],
    confidence: float,
    latest_message: Dict[str, Any],
    context_dispositif: Optional[str],
) -> Resolution:
    """The dispositif a message is about.

    A dispositif named in the message wins when it belongs to the intent's family or when
    the intent is unsure; otherwise the topic intent's default; otherwise the dispositif of
    the conversation so far. A name inside a stated situation ("je touche le RSA, je veux
    passer le permis") is not the topic.
    """
    situations = entities_of(latest_message, "situation")
    named = [
        base.get(entity["value"])
        for entity in entities_of(latest_message, "dispositif")
        if base.get(entity["value"]) is not None and not _inside(entity, situations)
    ]
    family = base.intents.get(intent or "")
    if family is not None:
        same_family = [record for record in named if record and record.intent == intent]
        if same_family:
            return Resolution(same_family[0], "named")
        if named and confidence < NAMED_DISPOSITIF_OVERRIDES_BELOW:
            return Resolution(named[0], "named")
        return Resolution(base.get(family.default), "intent")
    if named:
        return Resolution(named[0], "named")
    if context_dispositif and base.get(context_dispositif):
        return Resolution(base.get(context_dispositif), "context")
    return Resolution(None, "none")


def cue_attribute(text: str) -> Optional[str]:
    """The attribute a question asks, from its wording alone."""
    folded = fold(text)
    for attribute, pattern in _COMPILED_CUES:
        if pattern.search(folded):
            return attribute
    if _WHERE.search(text):
        return "contact"
    return None


def resolve_attribute(
    intent: Optional[str],
    latest_message: Dict[str, Any],
    previous_attribute: Optional[str],
) -> Optional[str]:
    """The attribute asked (``None`` = an overview of the dispositif)."""
    if intent in ATTRIBUTE_INTENTS:
        return ATTRIBUTE_INTENTS[intent]
    cued = cue_attribute(latest_message.get("text") or "")
    if cued:
        return cued
    # "je suis à Lens" reads as a situation as much as a commune: without a situation in
    # it, it only says where the person lives, which personalises the previous answer.
    gives_only_commune = bool(entities_of(latest_message, "commune")) and not entities_of(
        latest_message, "situation"
    )
    if intent == "inform_commune" or (intent == "inform_situation" and gives_only_commune):
        return previous_attribute or "contact"
    if intent == "inform_situation":
        return "conditions"
    return None


def resolve_commune_insee(
    base: KnowledgeBase, latest_message: Dict[str, Any], slot_value: Optional[str]
) -> Optional[str]:
    """The commune of the message, else the one already known."""
    for entity in entities_of(latest_message, "commune"):
        if base.communes.get(str(entity.get("value"))):
            return str(entity["value"])
    if slot_value and base.communes.get(slot_value):
        return slot_value
    return None
