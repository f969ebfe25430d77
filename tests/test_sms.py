"""SMS follow-up with the official twilio client, against a local stand-in for its API."""

from __future__ import annotations

import logging
from typing import Iterator

import pytest

from bot.sms import SmsSender, SmsSettings, can_receive_sms, last_digits, mask_phone
from tests.twilio_api_double import TwilioApiDouble

ACCOUNT = "AC" + "1" * 32
TOKEN = "sms-test-token"
CALLER = "+33612345678"


@pytest.fixture
def twilio_api() -> Iterator[TwilioApiDouble]:
    with TwilioApiDouble() as double:
        yield double


def settings_for(api: TwilioApiDouble, sender: str = "+33700000000") -> SmsSettings:
    return SmsSettings(ACCOUNT, TOKEN, sender, api_base_url=api.url)


def test_settings_come_from_the_environment_or_sms_is_off():
    assert SmsSettings.from_environment({}) is None
    assert SmsSettings.from_environment({"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN}) is None
    settings = SmsSettings.from_environment(
        {"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_SMS_FROM": "Dept62"}
    )
    assert settings == SmsSettings(ACCOUNT, TOKEN, "Dept62", None)


def test_an_sms_is_one_messages_create_with_the_fields_twilio_expects(twilio_api):
    sid = SmsSender(settings_for(twilio_api)).send(CALLER, "Le RSA : https://www.caf.fr\n03 21 216 216")

    [request] = twilio_api.messages()
    assert sid.startswith("SM")
    assert request.path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request.basic_auth == f"{ACCOUNT}:{TOKEN}"
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.form == {
        "To": [CALLER],
        "From": ["+33700000000"],
        "Body": ["Le RSA : https://www.caf.fr\n03 21 216 216"],
    }


def test_a_messaging_service_can_send(twilio_api):
    SmsSender(settings_for(twilio_api, sender="MG" + "2" * 32)).send(CALLER, "Bonjour")
    [request] = twilio_api.messages()
    assert request.form["MessagingServiceSid"] == ["MG" + "2" * 32]
    assert "From" not in request.form


async def test_a_failure_is_reported_without_the_number_in_the_logs(twilio_api, caplog):
    twilio_api.fail_with = 500
    caplog.set_level(logging.INFO)
    assert await SmsSender(settings_for(twilio_api)).send_async(CALLER, "Bonjour") is False
    assert "12345678" not in caplog.text and "+33 6 •• •• •• 78" in caplog.text


async def test_a_success_is_logged_masked(twilio_api, caplog):
    caplog.set_level(logging.INFO)
    assert await SmsSender(settings_for(twilio_api)).send_async(CALLER, "Bonjour") is True
    assert "12345678" not in caplog.text


def test_numbers_are_masked_and_only_mobiles_get_sms():
    assert mask_phone(CALLER) == "+33 6 •• •• •• 78"
    assert mask_phone(None) == "••"
    assert last_digits(CALLER) == "78"
    assert can_receive_sms(CALLER)
    assert not can_receive_sms("+33321216216")
    assert not can_receive_sms("anonymous")
