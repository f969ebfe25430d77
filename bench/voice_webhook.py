"""Server-side turn time of the phone line's webhook (SPEC §5: Twilio gives up after 15 s).

Starts the real action server and Rasa server with the phone channel (signature checked,
as in production), then places calls exactly as Twilio does (``tests/integration/
phone_line.py``): the call starts (greeting), the caller asks a question in French
speech, presses the menu digit for a follow-up, asks a follow-up in words. Each POST is
timed from request to the complete TwiML; ``--turns`` (240) are measured after a warm-up.

Prints p50/p95/max and writes ``bench/results/voice_webhook.md``.

    .venv/bin/python -m bench.voice_webhook [--turns 240]   (make bench-voice)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.rest_latency import commit, machine  # noqa: E402
from tests.integration.phone_line import PhoneCall, PhoneLine, Twiml  # noqa: E402

RESULTS_FILE = PROJECT_DIR / "bench" / "results" / "voice_webhook.md"
MODEL = PROJECT_DIR / "models" / "current.tar.gz"
TARGET_P95_MS = 300.0
WARM_UP_TURNS = 20
OPEN_MONDAY = "2026-11-23T10:00:00+01:00"

# What callers say, as the speech recogniser writes it: no punctuation, fillers.
QUESTIONS = [
    "comment demander le rsa",
    "euh bonjour c'est pour le rsa comment on fait",
    "c'est quoi la pch",
    "je voudrais une aide pour payer mon permis de conduire",
    "comment faire du covoiturage pour aller au travail",
    "mon propriétaire ne veut pas me rendre ma caution",
    "ma mère a quatre-vingt-cinq ans elle a besoin d'aide à domicile",
    "j'ai reçu un papier de la mdph je comprends rien",
    "je cherche un logement moins cher",
    "il y a des bus pour aller à arras",
]
FOLLOW_UPS = [
    "et il faut quels papiers",
    "c'est où à lens",
    "et pour faire la demande",
    "c'est combien",
    "qui je dois appeler",
]


def timed(turn: Callable[[], Twiml], samples: List[float]) -> Twiml:
    started = time.perf_counter()
    twiml = turn()
    samples.append((time.perf_counter() - started) * 1000.0)
    return twiml


def first_digit(twiml: Twiml) -> Optional[str]:
    for word in ("demande", "conditions", "contact", "documents"):
        try:
            return twiml.digit_for(word)
        except AssertionError:
            continue
    return None


def one_call(line: PhoneLine, rng: random.Random, samples: List[float]) -> int:
    """A whole call; returns the number of turns it made."""
    call: PhoneCall = line.call(caller=f"+336{rng.randrange(10**7, 10**8)}")
    timed(call.start, samples)
    answer = timed(lambda: call.say(rng.choice(QUESTIONS)), samples)
    turns = 2
    digit = first_digit(answer)
    if digit:
        timed(lambda: call.press(digit), samples)
        turns += 1
    timed(lambda: call.say(rng.choice(FOLLOW_UPS)), samples)
    return turns + 1


def render(samples: np.ndarray, calls: int) -> str:
    p50, p95 = np.percentile(samples, [50, 95])
    verdict = "meets" if p95 <= TARGET_P95_MS else "MISSES"
    return "\n".join(
        [
            "# Phone line: server-side turn time of the Twilio webhook",
            "",
            f"- command: `.venv/bin/python -m bench.voice_webhook --turns {len(samples)}`",
            f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit()}",
            f"- machine: {machine()}",
            f"- {len(samples)} signed webhook requests in {calls} calls (greeting, spoken question,"
            " menu digit, spoken follow-up), after a warm-up",
            "",
            "| p50 | p95 | max | target p95 |",
            "|---:|---:|---:|---:|",
            f"| {p50:.0f} ms | {p95:.0f} ms | {samples.max():.0f} ms | ≤ {TARGET_P95_MS:.0f} ms ({verdict}) |",
            "",
        ]
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.voice_webhook", description=__doc__)
    parser.add_argument("--turns", type=int, default=240)
    parser.add_argument("--seed", type=int, default=62)
    arguments = parser.parse_args(argv)
    if not MODEL.exists():
        print("no trained model: run `make train` first", file=sys.stderr)
        return 2
    rng = random.Random(arguments.seed)
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as scratch:
        with PhoneLine.start(Path(scratch), MODEL) as line:
            line.set_clock(OPEN_MONDAY)
            warm_up: List[float] = []
            while len(warm_up) < WARM_UP_TURNS:
                one_call(line, rng, warm_up)
            samples: List[float] = []
            calls = 0
            while len(samples) < arguments.turns:
                one_call(line, rng, samples)
                calls += 1
    measured = np.array(samples)
    report = render(measured, calls)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
