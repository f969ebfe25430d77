"""bot.action_response_check: same verdicts as Rasa's own check of action responses."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.channels  # noqa: F401 - installs the check, as the Rasa server does
from bot.action_response_check import check_action_response

VALID = {
    "events": [{"event": "slot", "name": "dispositif", "value": "rsa"}],
    "responses": [{"text": "Bonjour", "custom": {"dispositif": "rsa"}}],
}


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_dispositif", EndpointConfig("http://localhost:5055/webhook"))


def test_it_is_what_rasa_uses_once_the_channels_are_imported(action):
    assert RemoteAction._validate_action_result is check_action_response
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize(
    "invalid",
    [
        {"events": [{"name": "no event type"}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_invalid_responses_fail_with_rasas_message(action, invalid):
    with pytest.raises(ValidationError) as error:
        action._validate_action_result(invalid)
    assert "Failed to validate Action server response" in error.value.message
