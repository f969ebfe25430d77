"""Start the action server and the Rasa server as child processes, and stop them.

Used by ``python -m bot serve`` (what ``make run`` calls), by the integration tests and,
one server at a time, by the scale-out cluster (``deploy/``), so all run the real servers
the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class ServerSettings:
    model: Path
    port: int = 5005
    action_port: int = 5055
    endpoints: Path = PROJECT_DIR / "endpoints.yml"
    credentials: Path = PROJECT_DIR / "credentials.yml"
    log_dir: Path = PROJECT_DIR / "var" / "log"
    env: Dict[str, str] = field(default_factory=dict)
    enable_api: bool = False
    cors: Optional[str] = None


class ServersFailed(RuntimeError):
    """A server did not become ready; the message ends with its log."""


def _wait_until(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServersFailed(f"{url}: process exited\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise ServersFailed(f"{url}: not ready after {timeout:.0f} s\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def server_environment(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment of a server process: this one, the project on the path, ``extra``."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), **(extra or {})}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def spawn(arguments: List[str], log: Path, env: Dict[str, str]) -> subprocess.Popen:
    """Start ``arguments`` in its own process group, output to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle:
        return subprocess.Popen(
            arguments,
            cwd=PROJECT_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_action_server(port: int, log: Path, env: Dict[str, str]) -> subprocess.Popen:
    """Start ``rasa run actions`` on ``port``; ``wait_for_action_server`` tells when ready."""
    return spawn(
        [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        log,
        env,
    )


def endpoints_for_action_port(source: Path, action_port: int, directory: Path) -> Path:
    """A copy of the endpoints file ``source`` whose action endpoint is on ``action_port``."""
    import yaml

    endpoints = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    endpoints["action_endpoint"] = {"url": f"http://localhost:{action_port}/webhook"}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"endpoints-actions-{action_port}.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return path


def start_rasa_server(
    model: Path,
    port: int,
    log: Path,
    env: Dict[str, str],
    endpoints: Path = PROJECT_DIR / "endpoints.yml",
    credentials: Path = PROJECT_DIR / "credentials.yml",
    enable_api: bool = False,
    cors: Optional[str] = None,
) -> subprocess.Popen:
    """Start one ``rasa run`` on ``port``; ``wait_for_rasa_server`` tells when the model
    is loaded."""
    arguments = [
        str(VENV_BIN / "rasa"), "run",
        "--model", str(model),
        "--port", str(port),
        "--endpoints", str(endpoints),
        "--credentials", str(credentials),
    ]
    if enable_api:
        arguments.append("--enable-api")
    if cors:
        arguments.extend(["--cors", cors])
    return spawn(arguments, log, env)


def wait_for_action_server(
    port: int, process: subprocess.Popen, log: Path, timeout: float = 180.0
) -> None:
    """Return once the action server answers ``/health``; ``ServersFailed`` otherwise."""
    _wait_until(f"http://localhost:{port}/health", process, log, timeout)


def wait_for_rasa_server(
    port: int, process: subprocess.Popen, log: Path, timeout: float = 180.0
) -> None:
    """Return once the Rasa server has loaded its model and serves the REST channel."""
    _wait_until(f"http://localhost:{port}/webhooks/rest/", process, log, timeout)


def stop_processes(processes: Iterable[subprocess.Popen], grace: float = 15.0) -> None:
    """SIGTERM each process group, SIGKILL those still running after ``grace`` seconds."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Servers:
    """The two servers of one assistant; a context manager that always stops them."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.processes: List[subprocess.Popen] = []
        self.action_log = settings.log_dir / f"actions-{settings.action_port}.log"
        self.rasa_log = settings.log_dir / f"rasa-{settings.port}.log"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.settings.port}"

    def start(self, timeout: float = 180.0) -> "Servers":
        settings = self.settings
        env = server_environment(settings.env)
        actions = start_action_server(settings.action_port, self.action_log, env)
        self.processes.append(actions)
        rasa = start_rasa_server(
            settings.model,
            settings.port,
            self.rasa_log,
            env,
            endpoints=settings.endpoints,
            credentials=settings.credentials,
            enable_api=settings.enable_api,
            cors=settings.cors,
        )
        self.processes.append(rasa)
        try:
            wait_for_action_server(settings.action_port, actions, self.action_log, timeout)
            wait_for_rasa_server(settings.port, rasa, self.rasa_log, timeout)
        except ServersFailed:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        stop_processes(self.processes)
        self.processes.clear()

    def __enter__(self) -> "Servers":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
