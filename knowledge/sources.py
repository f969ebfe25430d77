"""Check that every seed quote stands in the lines it cites."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, Mapping

from knowledge.schema import SeedSource, Source
from knowledge.text import seed_text

SOURCES_DIR = Path(__file__).resolve().parent / "sources"


@functools.lru_cache(maxsize=None)
def seed_lines(seed: str) -> List[str]:
    """Lines of a seed document; line 1 is ``[0]``."""
    return (SOURCES_DIR / seed).read_text(encoding="utf-8").splitlines()


def cited_text(source: SeedSource) -> str:
    lines = seed_lines(source.seed)
    return seed_text("\n".join(lines[source.first_line - 1 : source.last_line]))


def quote_problems(sources: Mapping[str, Source]) -> List[str]:
    """One message per seed source whose quote is not in its cited lines."""
    problems = []
    for key, source in sources.items():
        if not isinstance(source, SeedSource):
            continue
        if not (SOURCES_DIR / source.seed).exists():
            problems.append(f"source {key}: no seed file {source.seed}")
            continue
        if source.last_line > len(seed_lines(source.seed)):
            problems.append(f"source {key}: {source.ref} is past the end of the file")
            continue
        if seed_text(source.quote) not in cited_text(source):
            problems.append(f"source {key}: quote not found in {source.ref}")
    return problems


def count_sources(sources_by_record: Dict[str, Mapping[str, Source]]) -> Dict[str, int]:
    """How many seed and public sources, and how many public ones are unverified."""
    seed = public = unverified = 0
    for sources in sources_by_record.values():
        for source in sources.values():
            if isinstance(source, SeedSource):
                seed += 1
            else:
                public += 1
                unverified += not source.verified
    return {"seed": seed, "public": public, "unverified": unverified}
