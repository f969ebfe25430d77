"""Start the action server and the Rasa server as child processes, and stop them.

Used by ``python -m bot serve`` (what ``make run`` calls) and by the integration tests,
so both run the real servers the same way.
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
from typing import Dict, List, Optional

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

    def _spawn(self, arguments: List[str], log: Path, env: Dict[str, str]) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("w", encoding="utf-8")
        process = subprocess.Popen(
            arguments,
            cwd=PROJECT_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def start(self, timeout: float = 180.0) -> "Servers":
        settings = self.settings
        env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), **settings.env}
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        actions = self._spawn(
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(settings.action_port)],
            self.action_log,
            env,
        )
        arguments = [
            str(VENV_BIN / "rasa"), "run",
            "--model", str(settings.model),
            "--port", str(settings.port),
            "--endpoints", str(settings.endpoints),
            "--credentials", str(settings.credentials),
        ]
        if settings.enable_api:
            arguments.append("--enable-api")
        if settings.cors:
            arguments.extend(["--cors", settings.cors])
        rasa = self._spawn(arguments, self.rasa_log, env)
        try:
            _wait_until(f"http://localhost:{settings.action_port}/health", actions, self.action_log, timeout)
            _wait_until(f"{self.url}/webhooks/rest/", rasa, self.rasa_log, timeout)
        except ServersFailed:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def __enter__(self) -> "Servers":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
