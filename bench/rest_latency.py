"""REST turn latency of the real servers, custom action included (SPEC §7).

Starts one Rasa server and one action server the way ``make run`` does (``bot.launcher``,
``endpoints.yml`` with its SQLite tracker store, on free ports and a scratch database), or
measures a server already running (``--url``, e.g. the scale-out cluster behind nginx), then:

a. one user, sequential turns: ``--turns`` (300) realistic French turns, conversations of a
   topic question followed by follow-ups ("et il faut quels papiers ?"), each answered by
   the custom action from the knowledge base;
b. open loop: ``--conversations`` (200) conversations of ``--turns-per-conversation`` (3)
   turns whose arrivals form a Poisson process of ``--rate`` (20) turns/s, sent at their
   scheduled time whatever the answers (latency counted from that time, so a slow server
   cannot slow the load down). Turn k of every conversation comes before turn k+1 of any,
   so a conversation's turns are ~10 s apart and never wait for each other.

Prints p50/p95/max and errors (non-200, timeout, empty answer or technical-problem reply),
the CPU time the servers spent per turn, and writes ``bench/results/rest_latency.md``.

    .venv/bin/python -m bench.rest_latency [--url http://localhost:5005]   (make bench-latency)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import aiohttp
import numpy as np
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bot.launcher import ServerSettings, Servers  # noqa: E402

RESULTS_FILE = PROJECT_DIR / "bench" / "results" / "rest_latency.md"
MODEL = PROJECT_DIR / "models" / "current.tar.gz"
TARGETS = {"one_user_p95_ms": 60.0, "open_loop_p95_ms": 150.0}
TIMEOUT_SECONDS = 30.0
WARM_UP_TURNS = 30

# Questions people ask the hotline, typed or dictated, each about a dispositif of the
# knowledge base; then the follow-ups that keep the dispositif from context.
TOPIC_QUESTIONS = [
    "comment demander le RSA ?",
    "Bonjour, je n'ai plus de revenus, est-ce que je peux avoir le RSA ?",
    "c'est quoi la PCH ?",
    "comment faire une demande à la MDPH pour mon fils",
    "ma mère a 82 ans et ne peut plus rester seule, il existe une aide ?",
    "c'est quoi l'APA",
    "je voudrais une aide pour payer mon permis de conduire",
    "aide au permis pour les jeunes dans le pas de calais",
    "comment faire du covoiturage pour aller au travail",
    "je n'ai pas de voiture pour aller à mon entretien d'embauche",
    "mon propriétaire ne veut pas me rendre ma caution",
    "j'ai des loyers impayés et peur d'être expulsé",
    "je cherche un conseil juridique gratuit sur mon bail",
    "où est la maison du département solidarité la plus proche",
    "je voudrais parler de ma situation à une assistante sociale",
    "il y a une aide pour payer ma facture d'électricité ?",
    "mon fils de 19 ans cherche du travail, qui peut l'aider ?",
    "je veux faire une demande de carte mobilité inclusion",
    "comment obtenir une aide à domicile pour mon père",
    "c'est quoi la GPS administration",
]
FOLLOW_UPS = [
    "et il faut quels papiers ?",
    "quelles sont les conditions ?",
    "et je fais comment pour demander",
    "qui je dois contacter ?",
    "c'est combien ?",
    "ça prend combien de temps ?",
]


@dataclass
class Turn:
    latency: float
    error: Optional[str]
    from_action: bool


def conversation(rng: random.Random, turns: int) -> List[str]:
    """A topic question then distinct follow-ups."""
    return [rng.choice(TOPIC_QUESTIONS), *rng.sample(FOLLOW_UPS, turns - 1)]


async def send_turn(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, started: float
) -> Turn:
    """One turn; latency from ``started`` (perf_counter) to the end of the answer."""
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as reply:
            body = await reply.json(content_type=None) if reply.status == 200 else None
            latency = time.perf_counter() - started
            if reply.status != 200:
                return Turn(latency, f"HTTP {reply.status}", False)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        return Turn(time.perf_counter() - started, type(error).__name__, False)
    if not body:
        return Turn(latency, "empty answer", False)
    payloads = [message.get("custom") or {} for message in body]
    if any(payload.get("kind") == "technical_problem" for payload in payloads):
        return Turn(latency, "technical problem", False)
    return Turn(latency, None, any(payload.get("dispositif") for payload in payloads))


def client_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
    )


async def sequential(url: str, turns: int, rng: random.Random) -> List[Turn]:
    """One user: each turn sent when the previous answer arrived."""
    results: List[Turn] = []
    async with client_session() as session:
        while len(results) < turns:
            sender = f"bench-seq-{uuid.uuid4().hex[:10]}"
            for text in conversation(rng, 3)[: turns - len(results)]:
                results.append(await send_turn(session, url, sender, text, time.perf_counter()))
    return results


async def open_loop(
    url: str, rate: float, conversations: int, turns_per_conversation: int, rng: random.Random
) -> tuple[List[Turn], float]:
    """Poisson arrivals at ``rate`` turns/s; returns the turns and the load's duration."""
    scripts = [conversation(rng, turns_per_conversation) for _ in range(conversations)]
    senders = [f"bench-open-{uuid.uuid4().hex[:10]}" for _ in range(conversations)]
    arrivals = [(senders[index], script[round_]) for round_ in range(turns_per_conversation)
                for index, script in enumerate(scripts)]
    offsets = np.cumsum([rng.expovariate(rate) for _ in arrivals])
    async with client_session() as session:
        start = time.perf_counter()
        tasks = []
        for (sender, text), offset in zip(arrivals, offsets):
            scheduled = start + float(offset)
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            tasks.append(asyncio.create_task(send_turn(session, url, sender, text, scheduled)))
        results = list(await asyncio.gather(*tasks))
    return results, float(offsets[-1])


def summary(turns: Sequence[Turn]) -> Dict[str, Any]:
    latencies = np.array([turn.latency for turn in turns if turn.error is None]) * 1000
    errors: Dict[str, int] = {}
    for turn in turns:
        if turn.error:
            errors[turn.error] = errors.get(turn.error, 0) + 1
    return {
        "turns": len(turns),
        "p50": float(np.percentile(latencies, 50)) if len(latencies) else float("nan"),
        "p95": float(np.percentile(latencies, 95)) if len(latencies) else float("nan"),
        "max": float(latencies.max()) if len(latencies) else float("nan"),
        "mean": float(latencies.mean()) if len(latencies) else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "from_action": sum(turn.from_action for turn in turns),
    }


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def local_servers() -> Iterator[tuple[str, Dict[str, List[int]]]]:
    """The action server and the Rasa server as ``make run`` starts them, on free ports,
    with a scratch copy of ``endpoints.yml`` (same SQLite tracker store, its own file)."""
    from deploy.services import free_port

    with tempfile.TemporaryDirectory(prefix="bench-latency-") as scratch:
        directory = Path(scratch)
        port, action_port = free_port(), free_port()
        endpoints = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text(encoding="utf-8"))
        endpoints["action_endpoint"]["url"] = f"http://localhost:{action_port}/webhook"
        endpoints["tracker_store"]["db"] = str(directory / "tracker.db")
        (directory / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
        settings = ServerSettings(
            model=MODEL, port=port, action_port=action_port,
            endpoints=directory / "endpoints.yml", log_dir=directory / "log", cors="*",
        )
        with Servers(settings) as servers:
            actions, rasa = servers.processes  # started in this order
            yield f"{servers.url}/webhooks/rest/webhook", {"rasa": [rasa.pid], "actions": [actions.pid]}


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR,
                            capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           cwd=PROJECT_DIR, capture_output=True, text=True).stdout.strip()
    return (result.stdout.strip() or "unknown") + (" (uncommitted changes)" if dirty else "")


def verdict(value: float, target: float, errors: int = 0) -> str:
    return "met" if value <= target and errors == 0 else "MISSED"


def cpu_line(cpu: Dict[str, float], turns: int) -> str:
    if not cpu:
        return "not measured (servers not started by the benchmark)"
    return ", ".join(f"{name} {seconds / turns * 1000:.1f} ms" for name, seconds in cpu.items())


def render(
    target: str, one: Dict[str, Any], one_cpu: Dict[str, float], load: Dict[str, Any],
    load_cpu: Dict[str, float], rate: float, achieved_rate: float, conversations: int,
) -> str:
    def row(name: str, stats: Dict[str, Any]) -> str:
        return (f"| {name} | {stats['turns']} | {stats['p50']:.1f} | {stats['p95']:.1f} | "
                f"{stats['max']:.1f} | {stats['mean']:.1f} | {stats['errors']} | "
                f"{stats['from_action']} |")

    one_target, load_target = TARGETS["one_user_p95_ms"], TARGETS["open_loop_p95_ms"]
    return "\n".join([
        "# REST turn latency",
        "",
        f"`make bench-latency` (bench/rest_latency.py), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"commit {commit()}, {machine()}.",
        f"Servers: {target}.",
        "",
        "Latency in ms, client side, from the moment the turn is due to the end of the answer;",
        "successful turns only. *from action*: turns answered by the custom action from the",
        "knowledge base (custom payload with a dispositif).",
        "",
        "| run | turns | p50 | p95 | max | mean | errors | from action |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("one user, sequential", one),
        row(f"open loop, Poisson {rate:g} turns/s, {conversations} conversations", load),
        "",
        f"Open loop: {load['turns']} turns offered over {load['turns'] / achieved_rate:.1f} s "
        f"({achieved_rate:.1f} turns/s); error kinds: {load['error_kinds'] or 'none'}.",
        "",
        "Server CPU per turn: one user: " + cpu_line(one_cpu, one["turns"])
        + "; open loop: " + cpu_line(load_cpu, load["turns"]) + ".",
        "",
        "| target (SPEC §7) | measured | |",
        "| --- | ---: | --- |",
        f"| one user p95 ≤ {one_target:g} ms | {one['p95']:.1f} ms | {verdict(one['p95'], one_target)} |",
        f"| {rate:g} turns/s p95 ≤ {load_target:g} ms, 0 errors | {load['p95']:.1f} ms, "
        f"{load['errors']} errors | {verdict(load['p95'], load_target, load['errors'])} |",
        "",
    ])


async def measure(
    url: str, pids: Dict[str, List[int]], arguments: argparse.Namespace
) -> tuple[Dict[str, Any], Dict[str, float], Dict[str, Any], Dict[str, float], float]:
    rng = random.Random(arguments.seed)
    await sequential(url, WARM_UP_TURNS, rng)

    def cpu_now() -> Dict[str, float]:
        return {name: cpu_seconds(ids) for name, ids in pids.items()}

    before = cpu_now()
    one = summary(await sequential(url, arguments.turns, rng))
    after = cpu_now()
    one_cpu = {name: after[name] - before[name] for name in pids}
    print(f"one user:  p50 {one['p50']:.1f} ms  p95 {one['p95']:.1f} ms  max {one['max']:.1f} ms  "
          f"errors {one['errors']}  from action {one['from_action']}/{one['turns']}", flush=True)

    before = cpu_now()
    turns, duration = await open_loop(
        url, arguments.rate, arguments.conversations, arguments.turns_per_conversation, rng
    )
    after = cpu_now()
    load = summary(turns)
    load_cpu = {name: after[name] - before[name] for name in pids}
    achieved = len(turns) / duration
    print(f"open loop ({achieved:.1f} turns/s): p50 {load['p50']:.1f} ms  p95 {load['p95']:.1f} ms  "
          f"max {load['max']:.1f} ms  errors {load['errors']} {load['error_kinds'] or ''}  "
          f"from action {load['from_action']}/{load['turns']}", flush=True)
    return one, one_cpu, load, load_cpu, achieved


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rest_latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="base URL of running servers (default: start them)")
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns-per-conversation", type=int, default=3)
    parser.add_argument("--seed", type=int, default=62)
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    arguments = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if arguments.url:
            url, pids = f"{arguments.url.rstrip('/')}/webhooks/rest/webhook", {}
            target = f"already running at {arguments.url}"
        else:
            if not MODEL.exists():
                print("Pas de modèle entraîné : lancez `make train`.")
                return 1
            print("Démarrage du serveur d'actions et du serveur Rasa...", flush=True)
            url, pids = stack.enter_context(local_servers())
            target = "one Rasa server + one action server started as by `make run` (SQLite tracker store)"
        one, one_cpu, load, load_cpu, achieved = asyncio.run(measure(url, pids, arguments))

    report = render(target, one, one_cpu, load, load_cpu, arguments.rate, achieved,
                    arguments.conversations)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(report, encoding="utf-8")
    print(f"\n{report}\nÉcrit dans {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
