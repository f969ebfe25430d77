"""Rasa's own NLU cross-validation (``rasa test nlu --cross-validation``), made to finish.

When a test message falls back, Rasa's evaluation takes the intent ranked under
``nlu_fallback`` and, to do so, deep-copies the whole parsed message
(``fallback_classifier.undo_fallback_prediction``). With spaCy in the pipeline that message
holds a spaCy ``Doc``, and copying it copies the model's vocabulary and vectors: about 3 s
per fallback, hours per fold. This wrapper replaces that one function by one that copies
only the keys it changes (same result), then runs Rasa's command line unchanged:

    .venv/bin/python -m bench.crossval --nlu data/nlu --config config.yml --folds 3 --out var/crossval
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

from rasa.nlu.classifiers import fallback_classifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY


def undo_fallback_prediction(prediction: Dict[str, Any]) -> Dict[str, Any]:
    """The prediction as if the ``FallbackClassifier`` were not in the pipeline (Rasa's
    function, without the deep copy of everything else the message carries)."""
    ranking = prediction.get(INTENT_RANKING_KEY, [])
    if len(ranking) < 2:
        return prediction
    undone = dict(prediction)
    undone[INTENT] = ranking[1]
    undone[INTENT_RANKING_KEY] = ranking[1:]
    return undone


def main(arguments: Optional[List[str]] = None) -> None:
    from rasa.__main__ import main as rasa_main

    fallback_classifier.undo_fallback_prediction = undo_fallback_prediction
    sys.argv = ["rasa", "test", "nlu", "--cross-validation", *(arguments if arguments is not None else sys.argv[1:])]
    rasa_main()


if __name__ == "__main__":
    main()
