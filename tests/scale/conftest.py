"""The scale-out cluster, started once for tests/scale: throwaway PostgreSQL (behind
PgBouncer) and Redis, 2 Rasa servers and 2 action servers behind nginx, all with
``endpoints.scale.yml``."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from bot.launcher import PROJECT_DIR
from deploy.cluster import Backends, Cluster, LocalEngines, local_backends
from deploy.services import postgres_bin_dir

MODEL = PROJECT_DIR / "models" / "current.tar.gz"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "scale: starts PostgreSQL, Redis, nginx and several Rasa and action servers"
    )


def say(base_url: str, sender: str, text: str) -> List[Dict[str, Any]]:
    """One turn over the REST channel of ``base_url`` (a Rasa server or the proxy)."""
    reply = requests.post(
        f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def new_sender() -> str:
    return f"scale-{uuid.uuid4().hex[:12]}"


@dataclass
class ScaleStack:
    cluster: Cluster
    engines: LocalEngines

    @property
    def backends(self) -> Backends:
        return self.engines.backends


def missing_engines() -> List[str]:
    missing = [
        name
        for name in ("pgbouncer", "redis-server", "nginx")
        if not (shutil.which(name) or os.access(f"/usr/sbin/{name}", os.X_OK))
    ]
    try:
        postgres_bin_dir()
    except FileNotFoundError:
        missing.append("postgresql")
    return missing


@pytest.fixture(scope="session")
def scale_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleStack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    missing = missing_engines()
    if missing:
        pytest.fail(f"not installed: {', '.join(missing)} (run `make system-deps`)")
    run_dir: Path = tmp_path_factory.mktemp("cluster")
    with local_backends() as engines:
        with Cluster(MODEL, engines.backends, rasa_servers=2, action_servers=2, run_dir=run_dir) as cluster:
            yield ScaleStack(cluster, engines)
