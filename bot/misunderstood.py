"""``python -m bot misunderstood``: the messages the assistant did not understand lately.

Reads Rasa's SQL tracker store (the one ``endpoints.yml`` names) so that agents can add
those phrasings to the training data.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from sqlalchemy import create_engine, text

FALLBACK_ACTIONS = {"action_handle_fallback", "action_default_fallback"}
_ENV = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Misunderstood:
    when: datetime
    conversation: str
    text: str
    intent: Optional[str]
    confidence: float
    runner_up: Optional[str]


def _expand(value: Any) -> Any:
    if isinstance(value, str):
        return _ENV.sub(lambda match: os.environ.get(match.group(1), ""), value)
    return value


def tracker_store_url(endpoints: Path) -> str:
    """The SQLAlchemy URL of the tracker store configured in ``endpoints``."""
    config = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    store = {key: _expand(value) for key, value in (config.get("tracker_store") or {}).items()}
    if str(store.get("type", "")).lower() != "sql":
        raise ValueError("the tracker store of this endpoints file is not a SQL store")
    dialect = store.get("dialect", "sqlite")
    if dialect == "sqlite":
        database = Path(store.get("db", "rasa.db"))
        if not database.is_absolute():
            database = endpoints.resolve().parent / database
        return f"sqlite:///{database}"
    credentials = store.get("username") or store.get("login") or ""
    if store.get("password"):
        credentials += f":{store['password']}"
    host = store.get("url") or "localhost"
    port = f":{store['port']}" if store.get("port") else ""
    at = "@" if credentials else ""
    return f"{dialect}://{credentials}{at}{host}{port}/{store.get('db', 'rasa')}"


def recent_misunderstood(url: str, limit: int = 50) -> List[Misunderstood]:
    """User messages classified ``nlu_fallback`` or answered by a fallback action."""
    engine = create_engine(url, future=True)
    query = text(
        "SELECT sender_id, type_name, action_name, intent_name, timestamp, data "
        "FROM events WHERE type_name IN ('user', 'action') ORDER BY sender_id, id"
    )
    found: List[Misunderstood] = []
    pending: Dict[str, Dict[str, Any]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            if row.type_name == "user":
                pending[row.sender_id] = {"row": row, "reported": False}
                data = json.loads(row.data)
                if row.intent_name == "nlu_fallback":
                    found.append(_entry(row, data))
                    pending[row.sender_id]["reported"] = True
            elif row.action_name in FALLBACK_ACTIONS and row.sender_id in pending:
                last = pending[row.sender_id]
                if not last["reported"]:
                    found.append(_entry(last["row"], json.loads(last["row"].data)))
                    last["reported"] = True
    found.sort(key=lambda entry: entry.when, reverse=True)
    return found[:limit]


def _entry(row: Any, data: Dict[str, Any]) -> Misunderstood:
    parse = data.get("parse_data") or {}
    ranking = [item for item in parse.get("intent_ranking") or [] if item.get("name") != "nlu_fallback"]
    return Misunderstood(
        when=datetime.fromtimestamp(row.timestamp, tz=timezone.utc),
        conversation=row.sender_id,
        text=data.get("text") or "",
        intent=ranking[0]["name"] if ranking else None,
        confidence=float(ranking[0]["confidence"]) if ranking else 0.0,
        runner_up=ranking[1]["name"] if len(ranking) > 1 else None,
    )


def render(entries: List[Misunderstood]) -> str:
    if not entries:
        return "Aucun message incompris."
    lines = []
    for entry in entries:
        guess = f"{entry.intent} {entry.confidence:.2f}" if entry.intent else "-"
        if entry.runner_up:
            guess += f", puis {entry.runner_up}"
        lines.append(f"{entry.when:%Y-%m-%d %H:%M}  {entry.conversation[:16]:16}  {entry.text[:100]!r}  ({guess})")
    return "\n".join(lines)
