"""Durable store of call-back requests (SQLAlchemy: a SQLite file by default,
PostgreSQL in production through ``CALLBACK_DB_URL``).

Names and phone numbers live here and nowhere else: never log them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'callbacks.db'}"
URL_VARIABLE = "CALLBACK_DB_URL"

Base = declarative_base()


class CallbackRow(Base):  # type: ignore[misc, valid-type]
    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    reference = Column(String(12), unique=True, nullable=False)
    # One open request per conversation, number and subject: a retried message or a
    # second identical form does not create a duplicate.
    dedup_key = Column(String(64), unique=True, nullable=True)
    conversation_id = Column(String(128), nullable=False)
    channel = Column(String(32), nullable=False)
    name = Column(String(120), nullable=False)
    phone = Column(String(20), nullable=False)
    subject = Column(Text, nullable=False)
    consent = Column(Boolean, nullable=False)
    status = Column(String(12), nullable=False, default="open")
    created_at = Column(DateTime(timezone=True), nullable=False)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    closing_note = Column(Text, nullable=True)


@dataclass(frozen=True)
class CallbackRequest:
    reference: str
    conversation_id: str
    channel: str
    name: str
    phone: str
    subject: str
    consent: bool
    status: str
    created_at: datetime
    closed_at: Optional[datetime]
    closing_note: Optional[str]

    @classmethod
    def from_row(cls, row: CallbackRow) -> "CallbackRequest":
        return cls(
            reference=row.reference,
            conversation_id=row.conversation_id,
            channel=row.channel,
            name=row.name,
            phone=row.phone,
            subject=row.subject,
            consent=row.consent,
            status=row.status,
            created_at=row.created_at,
            closed_at=row.closed_at,
            closing_note=row.closing_note,
        )


def dedup_key(conversation_id: str, phone: str, subject: str) -> str:
    normalised = " ".join(subject.lower().split())
    return hashlib.sha256(f"{conversation_id}\n{phone}\n{normalised}".encode()).hexdigest()


class CallbackRepository:
    """Create, list, export and close call-back requests."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url, future=True, pool_pre_ping=True)
        Base.metadata.create_all(self.engine)

    def create(
        self,
        conversation_id: str,
        channel: str,
        name: str,
        phone: str,
        subject: str,
        consent: bool,
    ) -> tuple[CallbackRequest, bool]:
        """Store a request; ``(request, created)`` — an identical open request is reused."""
        key = dedup_key(conversation_id, phone, subject)
        with Session(self.engine) as session:
            existing = session.execute(
                select(CallbackRow).where(CallbackRow.dedup_key == key)
            ).scalar_one_or_none()
            if existing is not None:
                return CallbackRequest.from_row(existing), False
            row = CallbackRow(
                reference=secrets.token_hex(3).upper(),
                dedup_key=key,
                conversation_id=conversation_id,
                channel=channel,
                name=name,
                phone=phone,
                subject=subject,
                consent=consent,
                status="open",
                created_at=datetime.now(timezone.utc),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                # The same request arrived twice at once: keep the one that won.
                session.rollback()
                winner = session.execute(
                    select(CallbackRow).where(CallbackRow.dedup_key == key)
                ).scalar_one()
                return CallbackRequest.from_row(winner), False
            return CallbackRequest.from_row(row), True

    def list(self, status: Optional[str] = "open") -> List[CallbackRequest]:
        with Session(self.engine) as session:
            query = select(CallbackRow).order_by(CallbackRow.created_at)
            if status:
                query = query.where(CallbackRow.status == status)
            return [CallbackRequest.from_row(row) for row in session.execute(query).scalars()]

    def close(self, reference: str, note: Optional[str] = None) -> Optional[CallbackRequest]:
        """Mark a request done; its dedup key is released so the person can ask again."""
        with Session(self.engine) as session:
            row = session.execute(
                select(CallbackRow).where(CallbackRow.reference == reference.upper())
            ).scalar_one_or_none()
            if row is None:
                return None
            row.status = "closed"
            row.closed_at = datetime.now(timezone.utc)
            row.closing_note = note
            row.dedup_key = None
            session.commit()
            return CallbackRequest.from_row(row)

    def export_csv(self, status: Optional[str] = None) -> str:
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(
            ["reference", "created_at", "status", "channel", "name", "phone", "subject", "consent",
             "closed_at", "closing_note", "conversation_id"]
        )
        for request in self.list(status):
            writer.writerow(
                [request.reference, request.created_at.isoformat(), request.status, request.channel,
                 request.name, request.phone, request.subject, request.consent,
                 request.closed_at.isoformat() if request.closed_at else "",
                 request.closing_note or "", request.conversation_id]
            )
        return output.getvalue()
