"""``python -m knowledge check``: validate the knowledge base and print its counts."""

from __future__ import annotations

import argparse
import sys

from knowledge.base import KnowledgeBase, KnowledgeBaseError
from knowledge.schema import PublicSource


def check() -> int:
    try:
        base = KnowledgeBase.load(strict=False)
    except KnowledgeBaseError as error:
        print(f"INVALID: {error}")
        return 1
    problems = base.problems()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    facts = [fact for record in base.dispositifs.values() for fact in record.facts()]
    unverified = [
        fact
        for record in base.dispositifs.values()
        for fact in record.facts()
        if any(
            isinstance(record.sources[key], PublicSource) and not record.sources[key].verified
            for key in fact.sources
        )
    ]
    print(
        f"dispositifs: {len(base.dispositifs)}  sourced facts: {len(facts)}  "
        f"facts resting on an unverified public reference: {len(unverified)}  "
        f"offices: {len(base.offices)}  territoires: {len(base.territoires)}  "
        f"communes: {len(base.communes)}"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    parser.add_argument("command", choices=["check"])
    parser.parse_args()
    return check()


if __name__ == "__main__":
    sys.exit(main())
