"""Input channels: REST with validation, web (socket.io), Twilio Voice.

Rasa imports this package at start-up, before it serves a turn, to build the channels of
``credentials.yml``: the cheaper action-response check is installed here
(``bot.action_response_check`` says why).
"""

from bot import action_response_check

action_response_check.install()
