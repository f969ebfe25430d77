"""``python -m deploy serve``: the scale-out cluster on this machine.

With ``DB_HOST`` (and the other variables of ``endpoints.scale.yml``, plus
``CALLBACK_DB_URL``) set, the servers use that PostgreSQL and Redis; otherwise throwaway
local ones are started and deleted at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from typing import Iterator, List, Optional

from bot.launcher import PROJECT_DIR
from deploy.cluster import Backends, Cluster, local_backends


@contextlib.contextmanager
def chosen_backends() -> Iterator[Backends]:
    if os.environ.get("DB_HOST"):
        yield Backends.from_environment()
        return
    print("DB_HOST non défini : PostgreSQL (derrière PgBouncer) et Redis locaux et jetables.", flush=True)
    with local_backends() as engines:
        yield engines.backends


def serve(arguments: argparse.Namespace) -> int:
    with chosen_backends() as backends:
        cluster = Cluster(
            Path(arguments.model),
            backends,
            rasa_servers=arguments.rasa_servers,
            action_servers=arguments.action_servers,
            port=arguments.port,
            run_dir=PROJECT_DIR / "var" / "scale",
        )
        print(
            f"Démarrage de {arguments.rasa_servers} serveurs Rasa et "
            f"{arguments.action_servers} serveurs d'actions derrière nginx...",
            flush=True,
        )
        with cluster:
            print(
                f"\nPrêt : POST {cluster.url}/webhooks/rest/webhook\n"
                f"  Serveurs Rasa :  {', '.join(cluster.rasa_urls)}\n"
                f"  PostgreSQL :     {backends.db_host}:{backends.db_port}/{backends.db_name}\n"
                f"  Redis :          {backends.redis_host}:{backends.redis_port}\n"
                f"  Journaux :       {cluster.log_dir} et {cluster.run_dir}\n"
                f"Ctrl-C pour arrêter.",
                flush=True,
            )
            stopping = False

            def stop(*_: object) -> None:
                nonlocal stopping
                stopping = True

            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            processes = [*cluster.rasa_processes, *cluster.action_processes]
            while not stopping and all(process.poll() is None for process in processes):
                time.sleep(0.5)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="start the cluster")
    serve_parser.add_argument("--model", default=str(PROJECT_DIR / "models" / "current.tar.gz"))
    serve_parser.add_argument("--rasa-servers", type=int, default=2)
    serve_parser.add_argument("--action-servers", type=int, default=2)
    serve_parser.add_argument("--port", type=int, default=8080, help="public port (nginx)")
    serve_parser.set_defaults(handler=serve)
    arguments = parser.parse_args(argv)
    return int(arguments.handler(arguments))


if __name__ == "__main__":
    sys.exit(main())
