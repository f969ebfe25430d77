"""Shared fixtures: the project's domain, the knowledge base and tracker snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.base import KnowledgeBase, get_knowledge_base

PROJECT_DIR = Path(__file__).resolve().parent.parent
TRACKERS_DIR = Path(__file__).resolve().parent / "data" / "trackers"


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The domain as the action server receives it (responses included)."""
    return yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def knowledge_base() -> KnowledgeBase:
    return get_knowledge_base()


@pytest.fixture
def tracker_from() -> Callable[..., Tracker]:
    """A tracker from a JSON snapshot in tests/data/trackers/, with optional overrides."""

    def load(name: str, **overrides: Any) -> Tracker:
        state = json.loads((TRACKERS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        slots = {**state.get("slots", {}), **overrides.pop("slots", {})}
        state.update(overrides)
        state["slots"] = slots
        return Tracker.from_dict(state)

    return load


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
