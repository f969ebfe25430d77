"""Read the texts users see from the domain's responses.

Actions compose answers from knowledge-base facts, but every word of their own (headings,
labels, connecting sentences) lives in ``domain.yml``.
"""

from __future__ import annotations

import string
from typing import Any, Dict, List


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def response_text(domain: Dict[str, Any], response: str, **values: Any) -> str:
    """The first variation of ``response``, with ``{placeholders}`` filled."""
    variations = domain.get("responses", {}).get(response)
    if not variations:
        raise KeyError(f"response {response!r} is missing from the domain")
    template = variations[0].get("text", "")
    return string.Formatter().vformat(template, (), _KeepMissing(values))


def response_buttons(domain: Dict[str, Any], name: str) -> List[Dict[str, str]]:
    """The buttons of response ``name`` (title and payload)."""
    variations = domain.get("responses", {}).get(name) or [{}]
    return [dict(button) for button in variations[0].get("buttons", [])]
