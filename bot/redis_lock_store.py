"""Rasa's Redis lock store, with every change of a lock made atomically.

Rasa Open Source's ``RedisLockStore`` changes a conversation's ticket lock by reading it,
changing it in Python and writing it back. Within one Rasa server that is safe (nothing
awaits in between); across several servers sharing Redis it is not: two servers that
receive messages of the same conversation at the same moment both read the lock, both
take ticket 0, and both run a turn on the same tracker, so one user message is lost when
the second save overwrites the first. Each change here is a Redis ``WATCH``/``MULTI``
transaction, retried when another server changed the lock in between.

Selected in ``endpoints.scale.yml``::

    lock_store:
      type: bot.redis_lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      ...
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


class AtomicRedisLockStore(RedisLockStore):
    """A ``RedisLockStore`` safe for several Rasa servers sharing one Redis."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa builds lock stores named by module path from their endpoint config."""
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: LockChange[Result]) -> Result:
        """Apply ``change`` to the stored lock in one transaction; ``None`` deletes it."""
        key = self.key_prefix + conversation_id

        def transaction(pipe) -> Result:  # type: ignore[no-untyped-def]
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            changed, result = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Take the next ticket of the conversation's queue (creating the lock)."""

        def take(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop the expired tickets, e.g. of a server that died while serving."""

        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the served ticket, keeping the others' tickets."""

        def remove(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, remove)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the served ticket, and the lock itself when nobody else waits."""

        def release(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], bool]:
            if lock is None:
                return None, False
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                return lock, False
            return None, True

        if self._change(conversation_id, release):
            self._log_deletion(conversation_id, True)
