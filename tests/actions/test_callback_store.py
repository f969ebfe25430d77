"""The call-back store on a real SQLite file: durable, no duplicates, export, close."""

from __future__ import annotations

import csv
import io

from actions.callback_store import CallbackRepository


def test_requests_survive_a_new_connection(tmp_path):
    url = f"sqlite:///{tmp_path / 'callbacks.db'}"
    request, created = CallbackRepository(url).create("conv-1", "web", "Marie Dupont", "+33612345678", "RSA suspendu", True)
    assert created

    reopened = CallbackRepository(url)
    [stored] = reopened.list()
    assert stored.reference == request.reference
    assert (stored.name, stored.phone, stored.subject) == ("Marie Dupont", "+33612345678", "RSA suspendu")


def test_the_same_request_twice_is_stored_once(tmp_path):
    repository = CallbackRepository(f"sqlite:///{tmp_path / 'callbacks.db'}")
    first, created = repository.create("conv-1", "web", "Marie", "+33612345678", "RSA  suspendu", True)
    again, created_again = repository.create("conv-1", "web", "Marie", "+33612345678", "rsa suspendu", True)
    assert created and not created_again
    assert again.reference == first.reference
    assert len(repository.list()) == 1


def test_close_and_export(tmp_path):
    repository = CallbackRepository(f"sqlite:///{tmp_path / 'callbacks.db'}")
    request, _ = repository.create("conv-1", "voice", "Jean", "+33321000000", "PCH", True)
    assert repository.close(request.reference.lower(), "rappelé le 24/11") is not None
    assert repository.list() == []
    [closed] = repository.list(status=None)
    assert closed.status == "closed" and closed.closing_note == "rappelé le 24/11"
    rows = list(csv.DictReader(io.StringIO(repository.export_csv())))
    assert rows[0]["reference"] == request.reference and rows[0]["status"] == "closed"
    assert repository.close("NOPE") is None
    # once closed, the same person can ask again
    _, created = repository.create("conv-1", "voice", "Jean", "+33321000000", "PCH", True)
    assert created
