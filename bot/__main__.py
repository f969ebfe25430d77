"""Command line of the assistant: ``python -m bot <command>``.

* ``serve``: start the action server and the Rasa server (what ``make run`` calls);
* ``ask``: show how the assistant understands and answers questions (for agents);
* ``misunderstood``: list recent messages the assistant did not understand;
* ``callbacks``: list, export (CSV) and close call-back requests.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import List, Optional

from bot.launcher import PROJECT_DIR, ServerSettings, Servers, endpoints_for_action_port

DEFAULT_ACTION_PORT = 5055


def serve(arguments: argparse.Namespace) -> int:
    endpoints = PROJECT_DIR / "endpoints.yml"
    if arguments.action_port != DEFAULT_ACTION_PORT:
        endpoints = endpoints_for_action_port(endpoints, arguments.action_port, PROJECT_DIR / "var")
    settings = ServerSettings(
        model=Path(arguments.model),
        port=arguments.port,
        action_port=arguments.action_port,
        endpoints=endpoints,
        cors="*",
    )
    servers = Servers(settings)
    print("Démarrage du serveur d'actions et du serveur Rasa (chargement du modèle)...", flush=True)
    servers.start()
    print(
        f"\nL'assistant est prêt.\n"
        f"  Page web :        {servers.url}/webhooks/web/\n"
        f"  API REST :        POST {servers.url}/webhooks/rest/webhook "
        f'{{"sender": "moi", "message": "comment demander le RSA ?"}}\n'
        f"  Socket.IO :       {servers.url}/socket.io\n"
        f"  Journaux :        {servers.rasa_log} et {servers.action_log}\n"
        f"Ctrl-C pour arrêter.",
        flush=True,
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(process.poll() is None for process in servers.processes):
            time.sleep(0.5)
    finally:
        servers.stop()
    return 0


def ask(arguments: argparse.Namespace) -> int:
    from bot.agent_cli import ask as explain_questions

    questions = list(arguments.questions)
    if arguments.file:
        questions.extend(
            line.strip()
            for line in Path(arguments.file).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        )
    if not questions:
        print("Donnez une question, ou --file avec une question par ligne.")
        return 2
    print(
        explain_questions(
            questions, Path(arguments.model), as_json=arguments.json, independent=arguments.independent
        )
    )
    return 0


def misunderstood(arguments: argparse.Namespace) -> int:
    from bot.misunderstood import recent_misunderstood, render, tracker_store_url

    url = arguments.url or tracker_store_url(Path(arguments.endpoints))
    print(render(recent_misunderstood(url, arguments.limit)))
    return 0


def callbacks(arguments: argparse.Namespace) -> int:
    from actions.callback_store import CallbackRepository

    repository = CallbackRepository(arguments.url)
    if arguments.action == "list":
        requests = repository.list(None if arguments.all else "open")
        if not requests:
            print("Aucune demande de rappel.")
        for request in requests:
            print(
                f"{request.reference}  {request.created_at:%Y-%m-%d %H:%M}  {request.status:6}  "
                f"{request.channel:12}  {request.name}  {request.phone}  {request.subject}"
            )
        return 0
    if arguments.action == "export":
        content = repository.export_csv(None if arguments.all else "open")
        if arguments.output:
            Path(arguments.output).write_text(content, encoding="utf-8")
            print(f"Exporté dans {arguments.output}")
        else:
            print(content, end="")
        return 0
    if not arguments.reference:
        print("Indiquez le numéro de la demande à clore.")
        return 2
    closed = repository.close(arguments.reference, arguments.note)
    if closed is None:
        print(f"Aucune demande {arguments.reference}.")
        return 1
    print(f"Demande {closed.reference} close.")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve_parser = commands.add_parser("serve", help="start the servers")
    serve_parser.add_argument("--model", default=str(PROJECT_DIR / "models" / "current.tar.gz"))
    serve_parser.add_argument("--port", type=int, default=5005)
    serve_parser.add_argument("--action-port", type=int, default=DEFAULT_ACTION_PORT)
    serve_parser.set_defaults(handler=serve)

    ask_parser = commands.add_parser("ask", help="explain how questions are understood and answered")
    ask_parser.add_argument("questions", nargs="*", help="questions, in French")
    ask_parser.add_argument("--file", help="a file with one question per line (one conversation)")
    ask_parser.add_argument("--independent", action="store_true", help="no context between questions")
    ask_parser.add_argument("--json", action="store_true", help="machine-readable output")
    ask_parser.add_argument("--model", default=str(PROJECT_DIR / "models" / "current.tar.gz"))
    ask_parser.set_defaults(handler=ask)

    missed_parser = commands.add_parser("misunderstood", help="recent messages not understood")
    missed_parser.add_argument("--limit", type=int, default=50)
    missed_parser.add_argument("--endpoints", default=str(PROJECT_DIR / "endpoints.yml"))
    missed_parser.add_argument("--url", help="SQLAlchemy URL of the tracker store (overrides --endpoints)")
    missed_parser.set_defaults(handler=misunderstood)

    callback_parser = commands.add_parser("callbacks", help="call-back requests")
    callback_parser.add_argument("action", choices=["list", "export", "close"])
    callback_parser.add_argument("reference", nargs="?", help="request number (close)")
    callback_parser.add_argument("--note", help="closing note (close)")
    callback_parser.add_argument("--all", action="store_true", help="closed requests too")
    callback_parser.add_argument("--output", help="CSV file (export)")
    callback_parser.add_argument("--url", help="database URL (default: $CALLBACK_DB_URL or var/callbacks.db)")
    callback_parser.set_defaults(handler=callbacks)

    arguments = parser.parse_args(argv)
    return int(arguments.handler(arguments))


if __name__ == "__main__":
    sys.exit(main())
