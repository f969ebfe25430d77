"""How far a second annotator agrees with the held-out split's labels.

``tests/nlu/heldout_second_annotator.tsv`` holds every held-out message labelled again by
an annotator who followed ``docs/labelling.md`` and saw neither the split's labels nor the
model's answers. Their agreement is the ceiling a model can be asked to reach on the split:
where two careful readers disagree, the message is ambiguous, not the model wrong.

    python bench/label_agreement.py   # agreement, Cohen's kappa, the disagreements
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from bench.split_heldout import HELDOUT_FILE, heldout_examples, plain_text

SECOND_ANNOTATOR_FILE = HELDOUT_FILE.with_name("heldout_second_annotator.tsv")


def heldout_labels(path: Path = HELDOUT_FILE) -> Dict[str, str]:
    """Plain text → intent for every held-out message."""
    return {plain_text(example): intent for intent, example in heldout_examples(path)}


def second_labels(path: Path = SECOND_ANNOTATOR_FILE) -> Dict[str, str]:
    labels: Dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        text, separator, intent = line.rpartition("\t")
        if not separator or not text or not intent:
            raise ValueError(f"{path.name}:{number}: expected 'text<TAB>intent'")
        labels[text] = intent.strip()
    return labels


def agreement(first: Dict[str, str], second: Dict[str, str]) -> Dict[str, object]:
    """Macro-F1 (``first`` as reference), accuracy and Cohen's kappa on the shared texts."""
    from sklearn.metrics import cohen_kappa_score, f1_score

    texts = sorted(set(first) & set(second))
    a = [first[text] for text in texts]
    b = [second[text] for text in texts]
    disagreements: List[Tuple[str, str, str]] = [
        (text, first[text], second[text]) for text in texts if first[text] != second[text]
    ]
    return {
        "shared": len(texts),
        "only_first": len(set(first) - set(second)),
        "macro_f1": float(f1_score(a, b, labels=sorted(set(a)), average="macro", zero_division=0)),
        "accuracy": sum(x == y for x, y in zip(a, b)) / max(len(texts), 1),
        "kappa": float(cohen_kappa_score(a, b)) if texts else 0.0,
        "disagreements": disagreements,
    }


def main() -> int:
    result = agreement(heldout_labels(), second_labels())
    print(
        f"{result['shared']} messages labelled twice ({result['only_first']} held-out messages not yet): "
        f"macro-F1 {result['macro_f1']:.3f}, accuracy {result['accuracy']:.3f}, "
        f"Cohen's kappa {result['kappa']:.3f}"
    )
    pairs = Counter((first, second) for _, first, second in result["disagreements"])
    for (first, second), count in pairs.most_common():
        print(f"  {count:3d}  {first} / {second}")
    for text, first, second in result["disagreements"]:
        print(f"  - {first} / {second}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
