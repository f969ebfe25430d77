"""``python -m bot ask``: how the assistant understands and answers, for hotline agents.

For each question: intent and confidence (and the runners-up), entities, the dispositif
and why it was chosen, the attribute, the answer text and its sources. Questions read from
a file are treated as one conversation (follow-ups keep their context) unless
``--independent`` is given.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from actions.answers import AnswerComposer
from actions.understanding import (
    resolve_attribute,
    resolve_commune_insee,
    resolve_dispositif,
)
from knowledge.base import KnowledgeBase, get_knowledge_base

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Context:
    """What the conversation remembers between questions (the slots)."""

    dispositif: Optional[str] = None
    attribute: Optional[str] = None
    commune: Optional[str] = None


@dataclass
class Explanation:
    text: str
    intent: Optional[str]
    confidence: float
    ranking: List[Dict[str, Any]]
    entities: List[Dict[str, Any]]
    dispositif: Optional[str] = None
    resolved_by: Optional[str] = None
    attribute: Optional[str] = None
    commune: Optional[str] = None
    answer: Optional[str] = None
    sources: List[Dict[str, Any]] = field(default_factory=list)
    route: str = "answer"


# What the dialogue does with intents that are not answered from the knowledge base
# (data/rules.yml), so that agents see the route a question would take.
ROUTES = {
    "ask_human": "vers un conseiller (GPS administration ou demande de rappel)",
    "request_callback": "vers un conseiller (demande de rappel)",
    "emergency": "numéros d'urgence d'abord, puis un conseiller",
    "nlu_fallback": "non compris : reformulation demandée, puis un conseiller",
    "out_of_scope": "hors sujet : refus poli et ce que l'assistant sait faire",
}


def explain(
    parse: Dict[str, Any], base: KnowledgeBase, domain: Dict[str, Any], context: Context
) -> Explanation:
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    explanation = Explanation(
        text=parse.get("text", ""),
        intent=intent,
        confidence=confidence,
        ranking=[
            {"name": item["name"], "confidence": round(float(item["confidence"]), 3)}
            for item in (parse.get("intent_ranking") or [])[:3]
        ],
        entities=[
            {key: entity.get(key) for key in ("entity", "value", "extractor")}
            for entity in parse.get("entities", [])
        ],
    )
    commune_insee = resolve_commune_insee(base, parse, context.commune)
    context.commune = commune_insee
    commune = base.communes.get(commune_insee) if commune_insee else None
    explanation.commune = commune.nom if commune else None
    if intent in ROUTES:
        explanation.route = ROUTES[intent]
        return explanation
    resolution = resolve_dispositif(base, intent, confidence, parse, context.dispositif)
    if resolution.record is None:
        explanation.route = "pas de dispositif : réponse de conversation (domain.yml)"
        return explanation
    attribute = resolve_attribute(intent, parse, context.attribute)
    answer = AnswerComposer(base, domain).compose(resolution.record, attribute, commune)
    context.dispositif, context.attribute = resolution.record.id, attribute
    explanation.dispositif = resolution.record.id
    explanation.resolved_by = resolution.how
    explanation.attribute = attribute
    explanation.answer = answer.text
    explanation.sources = answer.sources(base)
    return explanation


def render(explanation: Explanation) -> str:
    lines = [f"> {explanation.text}"]
    runners = ", ".join(f"{item['name']} {item['confidence']:.2f}" for item in explanation.ranking[1:])
    lines.append(
        f"  intent       {explanation.intent} ({explanation.confidence:.2f})"
        + (f"   puis : {runners}" if runners else "")
    )
    entities = ", ".join(f"{e['entity']}={e['value']}" for e in explanation.entities) or "-"
    lines.append(f"  entités      {entities}")
    if explanation.commune:
        lines.append(f"  commune      {explanation.commune}")
    if explanation.dispositif is None:
        lines.append(f"  route        {explanation.route}")
        return "\n".join(lines)
    lines.append(f"  dispositif   {explanation.dispositif} (par {explanation.resolved_by})")
    lines.append(f"  attribut     {explanation.attribute or 'présentation'}")
    lines.append("  réponse      " + (explanation.answer or "").replace("\n", "\n               "))
    for source in explanation.sources:
        verified = "" if source.get("verified") else " [non vérifiée]"
        lines.append(f"  source       {source['ref']} — {source['title']}{verified}")
    return "\n".join(lines)


async def _parse_all(model: Path, questions: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(question) for question in questions]


def ask(
    questions: List[str],
    model: Path,
    as_json: bool = False,
    independent: bool = False,
) -> str:
    """Explain each question; one conversation unless ``independent``."""
    base = get_knowledge_base()
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    parses = asyncio.run(_parse_all(model, questions))
    context = Context()
    explanations = []
    for parse in parses:
        if independent:
            context = Context()
        explanations.append(explain(parse, base, domain, context))
    if as_json:
        return json.dumps([explanation.__dict__ for explanation in explanations], ensure_ascii=False, indent=2)
    return "\n\n".join(render(explanation) for explanation in explanations)
