"""Every seed quote stands in the lines it cites."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from knowledge.base import KnowledgeBase
from knowledge.schema import SeedSource
from knowledge.sources import cited_text, quote_problems
from knowledge.text import seed_text


def seed_sources() -> List[Tuple[str, SeedSource]]:
    base = KnowledgeBase.load(strict=False)
    unique = {}
    for label, source in base.all_sources():
        if isinstance(source, SeedSource):
            unique.setdefault((source.ref, source.quote), (label, source))
    return list(unique.values())


SEED_SOURCES = seed_sources()


def test_there_are_seed_sources():
    assert len(SEED_SOURCES) > 50


@pytest.mark.parametrize(("label", "source"), SEED_SOURCES, ids=[label for label, _ in SEED_SOURCES])
def test_quote_is_in_the_cited_lines(label, source):
    assert seed_text(source.quote) in cited_text(source), f"{label}: {source.ref}"


def test_a_wrong_quote_is_caught():
    wrong = SeedSource(seed="003_2ff2559bc512f040.txt", lines="6660-6670", quote="le RSA est versé par la Région")
    assert quote_problems({"x": wrong})
    shifted = SeedSource(seed="003_2ff2559bc512f040.txt", lines="1-10", quote="03 21 216 216")
    assert quote_problems({"x": shifted})
