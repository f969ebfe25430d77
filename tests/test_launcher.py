"""bot.launcher: how the servers are started."""

from __future__ import annotations

import yaml

from bot.launcher import PROJECT_DIR, endpoints_for_action_port


def test_another_action_port_keeps_the_rest_of_the_endpoints(tmp_path):
    path = endpoints_for_action_port(PROJECT_DIR / "endpoints.yml", 6055, tmp_path)

    endpoints = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"]["url"] == "http://localhost:6055/webhook"
    assert endpoints["tracker_store"] == original["tracker_store"]
