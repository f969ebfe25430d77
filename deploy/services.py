"""Throwaway local instances of the engines the cluster runs on: PostgreSQL, PgBouncer,
Redis, nginx.

They run the machine's Debian packages (``make system-deps`` installs what is
missing) on free loopback ports, with their data in a temporary directory, for the
scale-out tests and for trying the cluster on one machine. A production deployment points
``endpoints.scale.yml`` at its own PgBouncer/PostgreSQL and Redis instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

from bot.launcher import ServersFailed, spawn, stop_processes

# PostgreSQL refuses to run as root: as root, its commands run as this user (created by
# Debian's postgresql package).
POSTGRES_OS_USER = os.environ.get("POSTGRES_OS_USER", "postgres")
NGINX_TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: Optional[subprocess.Popen], log: Path, timeout: float) -> None:
    """Return once something accepts connections on ``port``; ``ServersFailed`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServersFailed(f"port {port}: process exited\n{tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise ServersFailed(f"port {port}: nothing listening after {timeout:.0f} s\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def find_executable(name: str, candidates: Sequence[str] = ()) -> str:
    """``name`` on the PATH or at one of ``candidates`` (sbin is not on every PATH)."""
    for candidate in (shutil.which(name), *candidates):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError(f"{name} is not installed: run `make system-deps`")


def postgres_bin_dir() -> Path:
    """The newest PostgreSQL server binaries (``$POSTGRES_BIN_DIR`` overrides)."""
    if os.environ.get("POSTGRES_BIN_DIR"):
        return Path(os.environ["POSTGRES_BIN_DIR"])
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not found:
        raise FileNotFoundError("PostgreSQL is not installed: run `make system-deps`")
    return Path(found[-1]).parent


class PostgresServer:
    """A PostgreSQL cluster in a temporary directory, on a loopback port.

    Password authentication (scram-sha-256) as in production; the superuser is ``user``.
    """

    def __init__(self, port: Optional[int] = None, user: str = "rasa") -> None:
        self.port = port or free_port()
        self.user = user
        self.password = secrets.token_urlsafe(18)
        self.bin_dir = postgres_bin_dir()
        self.directory = Path(tempfile.mkdtemp(prefix="rasa-postgres-"))
        self.data_dir = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.os_user: Optional[str] = POSTGRES_OS_USER if os.geteuid() == 0 else None
        self.started = False

    def _run(self, *arguments: str) -> None:
        command = [str(self.bin_dir / arguments[0]), *arguments[1:]]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.directory)
        if result.returncode != 0:
            raise ServersFailed(
                f"{arguments[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n{tail(self.log)}"
            )

    def _give_to_os_user(self, *paths: Path) -> None:
        if not self.os_user:
            return
        try:
            account = pwd.getpwnam(self.os_user)
        except KeyError:
            raise ServersFailed(
                f"PostgreSQL does not run as root and there is no user {self.os_user!r}: "
                "install the postgresql package (make system-deps) or set POSTGRES_OS_USER"
            ) from None
        for path in paths:
            os.chown(path, account.pw_uid, account.pw_gid)

    def start(self) -> "PostgresServer":
        """initdb, then start the server and wait until it accepts connections."""
        password_file = self.directory / "password"
        password_file.write_text(self.password, encoding="utf-8")
        self._give_to_os_user(self.directory, password_file)
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", self.user, f"--pwfile={password_file}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync",
        )
        password_file.unlink()
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
            )
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log), "-w", "-t", "60", "start")
        self.started = True
        return self

    def restart(self) -> None:
        """``pg_ctl restart`` (fast mode: open connections are cut, as in a real restart)."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log), "-w", "-t", "60",
                  "-m", "fast", "restart")

    def stop(self) -> None:
        """Stop the server and delete its data."""
        if self.started:
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-w", "-t", "30", "-m", "fast", "stop")
            except ServersFailed:
                self._kill_postmaster()
            self.started = False
        shutil.rmtree(self.directory, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().splitlines()[0])
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` (psycopg2)."""
        return f"postgresql+psycopg2://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password,
            dbname="postgres",
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def __enter__(self) -> "PostgresServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()


class PgBouncer:
    """PgBouncer in transaction mode in front of a ``PostgresServer``.

    Each transaction gets a live server connection, so the clients' pooled connections
    survive a PostgreSQL restart (Rasa's SQLTrackerStore does not check them before use,
    and on an error answers from an empty in-memory tracker). During the restart,
    queries wait for the server (up to ``query_wait_timeout``) instead of failing.
    """

    def __init__(self, postgres: PostgresServer, databases: Sequence[str], port: Optional[int] = None) -> None:
        self.postgres = postgres
        self.databases = list(databases)
        self.port = port or free_port()
        self.directory = postgres.directory / "pgbouncer"
        self.log = self.directory / "pgbouncer.log"
        self.processes: List[subprocess.Popen] = []

    def config(self) -> str:
        databases = "\n".join(
            f"{name} = host=127.0.0.1 port={self.postgres.port} dbname={name}"
            for name in self.databases
        )
        return (
            f"[databases]\n{databases}\n\n[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = scram-sha-256\nauth_file = {self.directory / 'users.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 1000\ndefault_pool_size = 20\n"
            # A restart takes about a second: retry the server soon, let queries wait for it.
            "server_login_retry = 1\nquery_wait_timeout = 15\n"
            f"logfile = {self.log}\npidfile = {self.directory / 'pgbouncer.pid'}\n"
        )

    def start(self, timeout: float = 30.0) -> "PgBouncer":
        executable = find_executable("pgbouncer", ["/usr/sbin/pgbouncer"])
        self.directory.mkdir()
        users = self.directory / "users.txt"
        users.write_text(f'"{self.postgres.user}" "{self.postgres.password}"\n', encoding="utf-8")
        users.chmod(0o600)
        config = self.directory / "pgbouncer.ini"
        config.write_text(self.config(), encoding="utf-8")
        self.postgres._give_to_os_user(self.directory, users, config)
        command = [executable, str(config)]
        if self.postgres.os_user:  # it refuses to run as root, like PostgreSQL
            command = ["runuser", "-u", self.postgres.os_user, "--", *command]
        process = spawn(command, self.directory / "pgbouncer.out", dict(os.environ))
        self.processes.append(process)
        wait_for_port(self.port, process, self.log, timeout)
        return self

    def stop(self) -> None:
        stop_processes(self.processes)
        self.processes.clear()

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` through PgBouncer."""
        return (
            f"postgresql+psycopg2://{self.postgres.user}:{self.postgres.password}"
            f"@127.0.0.1:{self.port}/{database}"
        )

    def __enter__(self) -> "PgBouncer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()


class RedisServer:
    """``redis-server`` on a loopback port, no persistence."""

    def __init__(self, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="rasa-redis-"))
        self.log = self.directory / "redis.log"
        self.processes: List[subprocess.Popen] = []

    def start(self, timeout: float = 30.0) -> "RedisServer":
        executable = find_executable("redis-server", ["/usr/bin/redis-server"])
        process = spawn(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory), "--daemonize", "no"],
            self.log,
            dict(os.environ),
        )
        self.processes.append(process)
        wait_for_port(self.port, process, self.log, timeout)
        return self

    def stop(self) -> None:
        stop_processes(self.processes)
        self.processes.clear()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()


def render_nginx_config(
    port: int,
    action_port: int,
    rasa_ports: Sequence[int],
    action_server_ports: Sequence[int],
    run_dir: Path,
    template: Path = NGINX_TEMPLATE,
) -> str:
    """The nginx configuration: ``port`` in front of the Rasa servers, ``action_port``
    (loopback only) in front of the action servers."""

    def servers(ports: Sequence[int]) -> str:
        return "\n        ".join(f"server 127.0.0.1:{each};" for each in ports)

    values = {
        "@RUN_DIR@": str(run_dir),
        "@PORT@": str(port),
        "@ACTION_PORT@": str(action_port),
        "@RASA_SERVERS@": servers(rasa_ports),
        "@ACTION_SERVERS@": servers(action_server_ports),
    }
    text = template.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


class NginxProxy:
    """nginx in the foreground with a configuration rendered from the template."""

    def __init__(
        self,
        port: int,
        action_port: int,
        rasa_ports: Sequence[int],
        action_server_ports: Sequence[int],
        run_dir: Path,
    ) -> None:
        self.port = port
        self.action_port = action_port
        self.run_dir = run_dir
        self.config = run_dir / "nginx.conf"
        self.log = run_dir / "nginx-error.log"
        self.access_log = run_dir / "nginx-access.log"
        self.rasa_ports = list(rasa_ports)
        self.action_server_ports = list(action_server_ports)
        self.processes: List[subprocess.Popen] = []

    def start(self, timeout: float = 30.0) -> "NginxProxy":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            render_nginx_config(
                self.port, self.action_port, self.rasa_ports, self.action_server_ports,
                self.run_dir,
            ),
            encoding="utf-8",
        )
        executable = find_executable("nginx", ["/usr/sbin/nginx"])
        process = spawn(
            [executable, "-p", str(self.run_dir), "-c", str(self.config), "-e", str(self.log),
             "-g", "daemon off;"],
            self.run_dir / "nginx.out",
            dict(os.environ),
        )
        self.processes.append(process)
        wait_for_port(self.port, process, self.log, timeout)
        wait_for_port(self.action_port, process, self.log, timeout)
        return self

    def stop(self) -> None:
        stop_processes(self.processes)
        self.processes.clear()
