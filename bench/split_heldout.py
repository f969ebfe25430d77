"""Keep a held-out test split out of the training data, stably.

An example belongs to the held-out split when a hash of its text falls in the first
``HELDOUT_PERCENT`` buckets: the decision depends on the example alone, so adding data
later never reshuffles the split. ``python bench/split_heldout.py`` moves such examples
from ``data/nlu/*.yml`` to ``tests/nlu/heldout.yml``; ``tests/nlu/test_split.py`` fails
if one is left in the training data.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
TRAINING_DIR = PROJECT_DIR / "data" / "nlu"
HELDOUT_FILE = PROJECT_DIR / "tests" / "nlu" / "heldout.yml"
HELDOUT_PERCENT = 16
ANNOTATION = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


def plain_text(example: str) -> str:
    """The example as a user would type it (entity annotations removed)."""
    return ANNOTATION.sub(r"\1", example).strip()


def is_heldout(example: str) -> bool:
    digest = hashlib.sha256(plain_text(example).lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELDOUT_PERCENT


def examples_of(block: str) -> List[str]:
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def heldout_examples(path: Path = HELDOUT_FILE) -> Iterator[Tuple[str, str]]:
    """(intent, example as written, annotations included) for every held-out example."""
    for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        if "intent" in item:
            for example in examples_of(item["examples"]):
                yield item["intent"], example


def literal_block(examples: List[str]) -> str:
    return "".join(f"      - {example}\n" for example in examples)


def render_nlu(items: List[Tuple[str, str, List[str]]]) -> str:
    """Rasa NLU YAML with literal example blocks; items are (kind, name, examples)."""
    lines = ['version: "3.1"', "", "nlu:"]
    for kind, name, examples in items:
        lines.append(f"  - {kind}: {name}")
        lines.append("    examples: |")
        lines.append(literal_block(examples).rstrip("\n"))
    return "\n".join(lines) + "\n"


def split() -> Dict[str, int]:
    heldout: Dict[str, List[str]] = {}
    if HELDOUT_FILE.exists():
        for intent, example in heldout_examples():
            heldout.setdefault(intent, []).append(example)
    moved = 0
    for path in sorted(TRAINING_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        changed = False
        for item in document.get("nlu", []):
            if "intent" not in item:
                continue
            examples = examples_of(item["examples"])
            keep = [example for example in examples if not is_heldout(example)]
            if len(keep) != len(examples):
                changed = True
                moved += len(examples) - len(keep)
                heldout.setdefault(item["intent"], []).extend(
                    example for example in examples if is_heldout(example)
                )
                item["kept"] = keep
        if changed:
            rewrite_examples(path, document)
    HELDOUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    HELDOUT_FILE.write_text(
        "# Held-out test split: moved out of data/nlu by bench/split_heldout.py, never trained on.\n"
        + render_nlu([("intent", intent, sorted(set(examples))) for intent, examples in sorted(heldout.items())]),
        encoding="utf-8",
    )
    return {"moved": moved, "heldout": sum(len(set(v)) for v in heldout.values())}


def rewrite_examples(path: Path, document: Dict) -> None:
    """Rewrite a training file keeping its other entries (synonyms, lookups) as they are."""
    items = []
    for item in document.get("nlu", []):
        if "intent" in item:
            items.append(("intent", item["intent"], item.get("kept", examples_of(item["examples"]))))
        elif "synonym" in item:
            items.append(("synonym", item["synonym"], examples_of(item["examples"])))
        elif "lookup" in item:
            items.append(("lookup", item["lookup"], examples_of(item["examples"])))
        elif "regex" in item:
            items.append(("regex", item["regex"], examples_of(item["examples"])))
    path.write_text(render_nlu(items), encoding="utf-8")


if __name__ == "__main__":
    counts = split()
    print(f"moved {counts['moved']} examples; held-out split now has {counts['heldout']}")
    sys.exit(0)
