"""Input channels: REST with validation, web (socket.io), Twilio Voice."""
