"""A local HTTP server standing in for api.twilio.com, recording what Twilio's API receives.

Point ``bot.sms`` at it with ``TWILIO_API_BASE_URL``; it answers ``Messages.json`` like
Twilio does (201 and the message resource) and records each request's form fields.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import parse_qs


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: Dict[str, List[str]]
    basic_auth: Optional[str]
    content_type: str


class TwilioApiDouble:
    """A context manager: the server runs in a thread while in use."""

    def __init__(self) -> None:
        self.requests: List[RecordedRequest] = []
        self.fail_with: Optional[int] = None
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                auth = self.headers.get("Authorization", "")
                double.requests.append(
                    RecordedRequest(
                        method="POST",
                        path=self.path,
                        form=parse_qs(body, keep_blank_values=True),
                        basic_auth=base64.b64decode(auth[6:]).decode() if auth.startswith("Basic ") else None,
                        content_type=self.headers.get("Content-Type", ""),
                    )
                )
                if double.fail_with:
                    self._reply(double.fail_with, {"code": 20500, "message": "Internal error", "status": double.fail_with})
                elif self.path.endswith("/Messages.json"):
                    form = double.requests[-1].form
                    self._reply(201, {
                        "sid": "SM" + uuid.uuid4().hex,
                        "account_sid": self.path.split("/")[3],
                        "to": form.get("To", [""])[0],
                        "from": form.get("From", [None])[0],
                        "messaging_service_sid": form.get("MessagingServiceSid", [None])[0],
                        "body": form.get("Body", [""])[0],
                        "status": "queued",
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "uri": self.path,
                    })
                else:
                    self._reply(404, {"code": 20404, "message": "Not found", "status": 404})

            def _reply(self, status: int, payload: Dict[str, object]) -> None:
                raw = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def messages(self) -> List[RecordedRequest]:
        return [request for request in self.requests if request.path.endswith("/Messages.json")]

    def __enter__(self) -> "TwilioApiDouble":
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
