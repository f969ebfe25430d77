"""N Rasa servers and M action servers behind nginx, sharing PostgreSQL and Redis.

The pieces are the existing engines, configured, not reimplemented:

* every Rasa server runs with ``endpoints.scale.yml``: Rasa's ``SQLTrackerStore`` on
  PostgreSQL holds the conversations, Rasa's ``RedisLockStore`` makes the turns of one
  conversation run one at a time whichever server takes them;
* nginx spreads the public requests over the Rasa servers (round robin; Socket.IO sticky
  per client, with the websocket upgrade) and the custom-action calls over the action
  servers;
* the action servers are stateless (the tracker comes with each call) and write call-back
  requests to PostgreSQL (``CALLBACK_DB_URL``);
* PgBouncer (transaction pooling) sits between all of them and PostgreSQL: Rasa's
  ``SQLTrackerStore`` keeps pooled connections without checking them (no
  ``pool_pre_ping``) and, behind Rasa's ``FailSafeTrackerStore``, answers a turn whose
  connection PostgreSQL cut from an empty in-memory tracker, losing the context and the
  turn. Through PgBouncer the pooled connections outlive a PostgreSQL restart, and
  queries made during it wait for the server instead of failing.

Why the Rasa servers reach the action servers through nginx rather than each its own:
any Rasa server keeps answering when one action server is down or restarting (nginx
skips a server that refuses connections), the two pools scale separately (actions are
light, Rasa servers are heavy) and adding an action server is one line in the proxy, not
a new endpoints file per Rasa server. The price is one loopback hop per action call.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from bot.launcher import (
    PROJECT_DIR,
    ServersFailed,
    server_environment,
    start_action_server,
    start_rasa_server,
    stop_processes,
    wait_for_action_server,
    wait_for_rasa_server,
)
from deploy.services import NginxProxy, PgBouncer, PostgresServer, RedisServer, free_port

SCALE_ENDPOINTS = PROJECT_DIR / "endpoints.scale.yml"
TRACKER_DATABASE = "rasa"
CALLBACK_DATABASE = "callbacks"


@dataclass(frozen=True)
class Backends:
    """Where the shared state lives: the variables ``endpoints.scale.yml`` reads."""

    db_host: str
    db_port: int
    db_name: str
    db_user: str
    db_password: str
    callback_db_url: str
    redis_host: str
    redis_port: int
    redis_db: int = 1

    @classmethod
    def from_environment(cls, environ: Optional[Dict[str, str]] = None) -> "Backends":
        """From ``DB_*``, ``REDIS_*`` and ``CALLBACK_DB_URL``; ``KeyError`` names what is
        missing."""
        env = os.environ if environ is None else environ
        missing = [
            name
            for name in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD",
                         "CALLBACK_DB_URL", "REDIS_HOST", "REDIS_PORT")
            if name not in env
        ]
        if missing:
            raise KeyError(f"missing environment variables: {', '.join(missing)}")
        return cls(
            db_host=env["DB_HOST"],
            db_port=int(env["DB_PORT"]),
            db_name=env["DB_NAME"],
            db_user=env["DB_USER"],
            db_password=env["DB_PASSWORD"],
            callback_db_url=env["CALLBACK_DB_URL"],
            redis_host=env["REDIS_HOST"],
            redis_port=int(env["REDIS_PORT"]),
            redis_db=int(env.get("REDIS_DB", "1")),
        )

    def rasa_environment(self, action_endpoint_url: str) -> Dict[str, str]:
        """The environment ``endpoints.scale.yml`` needs."""
        return {
            "ACTION_ENDPOINT_URL": action_endpoint_url,
            "DB_HOST": self.db_host,
            "DB_PORT": str(self.db_port),
            "DB_NAME": self.db_name,
            "DB_USER": self.db_user,
            "DB_PASSWORD": self.db_password,
            "REDIS_HOST": self.redis_host,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DB": str(self.redis_db),
        }

    @property
    def tracker_db_url(self) -> str:
        return (
            f"postgresql+psycopg2://{self.db_user}:{self.db_password}@{self.db_host}:"
            f"{self.db_port}/{self.db_name}"
        )


@dataclass
class LocalEngines:
    """Throwaway engines on this machine and the settings that point at them."""

    backends: Backends
    postgres: PostgresServer
    pgbouncer: PgBouncer
    redis: RedisServer


@contextlib.contextmanager
def local_backends() -> Iterator[LocalEngines]:
    """PostgreSQL behind PgBouncer, and Redis, on this machine (data deleted afterwards)."""
    with PostgresServer() as postgres:
        postgres.create_database(TRACKER_DATABASE)
        postgres.create_database(CALLBACK_DATABASE)
        with PgBouncer(postgres, [TRACKER_DATABASE, CALLBACK_DATABASE]) as pgbouncer, \
                RedisServer() as redis:
            backends = Backends(
                db_host="127.0.0.1",
                db_port=pgbouncer.port,
                db_name=TRACKER_DATABASE,
                db_user=postgres.user,
                db_password=postgres.password,
                callback_db_url=pgbouncer.url(CALLBACK_DATABASE),
                redis_host="127.0.0.1",
                redis_port=redis.port,
            )
            yield LocalEngines(backends, postgres, pgbouncer, redis)


class Cluster:
    """The servers of one scale-out deployment; a context manager that always stops them."""

    def __init__(
        self,
        model: Path,
        backends: Backends,
        rasa_servers: int = 2,
        action_servers: int = 2,
        port: Optional[int] = None,
        run_dir: Optional[Path] = None,
        endpoints: Path = SCALE_ENDPOINTS,
        credentials: Path = PROJECT_DIR / "credentials.yml",
        extra_env: Optional[Dict[str, str]] = None,
    ) -> None:
        self.model = model
        self.backends = backends
        self.endpoints = endpoints
        self.credentials = credentials
        self.extra_env = extra_env or {}
        self.port = port or free_port()
        self.action_proxy_port = free_port()
        self.rasa_ports = [free_port() for _ in range(rasa_servers)]
        self.action_ports = [free_port() for _ in range(action_servers)]
        self._own_run_dir = run_dir is None
        self.run_dir = run_dir or Path(tempfile.mkdtemp(prefix="rasa-cluster-"))
        self.log_dir = self.run_dir / "log"
        self.proxy = NginxProxy(
            self.port, self.action_proxy_port, self.rasa_ports, self.action_ports, self.run_dir
        )
        self.rasa_processes: List[subprocess.Popen] = []
        self.action_processes: List[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """The public address (nginx)."""
        return f"http://localhost:{self.port}"

    @property
    def rasa_urls(self) -> List[str]:
        """Each Rasa server directly, bypassing the proxy."""
        return [f"http://localhost:{port}" for port in self.rasa_ports]

    def rasa_log(self, port: int) -> Path:
        return self.log_dir / f"rasa-{port}.log"

    def action_log(self, port: int) -> Path:
        return self.log_dir / f"actions-{port}.log"

    def start(self, timeout: float = 300.0) -> "Cluster":
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout: float) -> None:
        self._create_callback_tables()
        base_env = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", **self.extra_env}
        action_env = server_environment(
            {**base_env, "CALLBACK_DB_URL": self.backends.callback_db_url}
        )
        for port in self.action_ports:
            self.action_processes.append(
                start_action_server(port, self.action_log(port), action_env)
            )
        rasa_env = server_environment(
            {
                **base_env,
                **self.backends.rasa_environment(
                    f"http://127.0.0.1:{self.action_proxy_port}/webhook"
                ),
            }
        )
        for port in self.rasa_ports:
            self.rasa_processes.append(
                start_rasa_server(
                    self.model, port, self.rasa_log(port), rasa_env,
                    endpoints=self.endpoints, credentials=self.credentials,
                )
            )
        self.proxy.start()
        for port, process in zip(self.action_ports, self.action_processes):
            wait_for_action_server(port, process, self.action_log(port), timeout)
        for port, process in zip(self.rasa_ports, self.rasa_processes):
            wait_for_rasa_server(port, process, self.rasa_log(port), timeout)

    def _create_callback_tables(self) -> None:
        # Once, before the action servers start: several of them creating the table at
        # the same moment would collide in PostgreSQL's catalog.
        from actions.callback_store import CallbackRepository

        CallbackRepository(self.backends.callback_db_url).engine.dispose()

    def stop_action_servers(self) -> None:
        stop_processes(self.action_processes)
        self.action_processes.clear()

    def stop(self) -> None:
        stop_processes([*self.rasa_processes, *self.action_processes])
        self.rasa_processes.clear()
        self.action_processes.clear()
        self.proxy.stop()
        if self._own_run_dir and not os.environ.get("KEEP_CLUSTER_LOGS"):
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


__all__ = ["Backends", "Cluster", "LocalEngines", "ServersFailed", "local_backends"]
