"""The real action server and Rasa server, started once for the integration tests."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from bot.launcher import PROJECT_DIR, ServerSettings, Servers

MODEL = PROJECT_DIR / "models" / "current.tar.gz"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_endpoints(directory: Path, action_port: int) -> Path:
    path = directory / "endpoints.yml"
    path.write_text(
        f'action_endpoint:\n  url: "http://localhost:{action_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {directory / 'tracker.db'}\n",
        encoding="utf-8",
    )
    return path


def local_settings(directory: Path, env: Dict[str, str]) -> ServerSettings:
    """The trained model served on free ports, with its SQLite tracker and logs in
    ``directory``."""
    action_port = free_port()
    return ServerSettings(
        model=MODEL,
        port=free_port(),
        action_port=action_port,
        endpoints=write_endpoints(directory, action_port),
        log_dir=directory / "log",
        env=env,
    )


class Assistant:
    """A client for the running assistant's REST channel."""

    def __init__(self, servers: Servers, clock_file: Path) -> None:
        self.servers = servers
        self.url = f"{servers.url}/webhooks/rest/webhook"
        self.clock_file = clock_file

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        reply = requests.post(self.url, json={"sender": sender, "message": text}, timeout=30)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def post_raw(self, data: bytes, content_type: str = "application/json") -> requests.Response:
        return requests.post(self.url, data=data, headers={"Content-Type": content_type}, timeout=30)

    @staticmethod
    def new_sender() -> str:
        return f"test-{uuid.uuid4().hex[:12]}"

    def set_clock(self, iso_moment: str) -> None:
        self.clock_file.write_text(iso_moment, encoding="utf-8")


def metadata_of(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The answer metadata of a turn (the custom payload of its message)."""
    payloads = [message["custom"] for message in messages if message.get("custom")]
    assert len(payloads) == 1, messages
    return payloads[0]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    directory = tmp_path_factory.mktemp("assistant")
    clock_file = directory / "clock"
    with Servers(local_settings(directory, {"ASSISTANT_CLOCK_FILE": str(clock_file)})) as servers:
        yield Assistant(servers, clock_file)


@pytest.fixture(scope="session")
def phone_line(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real servers with the phone channel (signature checked against a public URL)
    and SMS sent to a local stand-in for Twilio's API (tests/integration/phone_line.py)."""
    from tests.integration.phone_line import PhoneLine

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    with PhoneLine.start(tmp_path_factory.mktemp("phone"), MODEL) as line:
        yield line
