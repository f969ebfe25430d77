"""The answer-metadata contract: the custom payload of every answer about a dispositif.

``{"dispositif": "<kb id>", "sources": [...], "handoff": false}``; handoff turns carry
``"handoff": true``; small talk carries no dispositif. Tests, evaluations and the web page
rely on it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict


class SourceRef(TypedDict, total=False):
    ref: str
    title: str
    quote: str
    url: str
    as_of: str
    verified: bool


class AnswerMetadata(TypedDict, total=False):
    dispositif: Optional[str]
    sources: List[SourceRef]
    handoff: bool
    attribute: Optional[str]
    commune: Optional[Dict[str, str]]
    kind: str


def answer_metadata(
    dispositif: Optional[str],
    sources: List[Dict[str, Any]],
    handoff: bool = False,
    **extra: Any,
) -> AnswerMetadata:
    """The custom payload of one bot message."""
    metadata: Dict[str, Any] = {"dispositif": dispositif, "sources": sources, "handoff": handoff}
    metadata.update({key: value for key, value in extra.items() if value is not None})
    return metadata  # type: ignore[return-value]
