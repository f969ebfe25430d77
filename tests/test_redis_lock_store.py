"""bot.redis_lock_store against a real Redis server, with several processes racing for the
lock of one conversation as several Rasa servers do.

With Rasa's stock ``RedisLockStore`` the race test fails: 6 processes taking 40 tickets
each got only 76 distinct ticket numbers out of 240."""

from __future__ import annotations

import multiprocessing
from typing import Iterator, List

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.redis_lock_store import AtomicRedisLockStore
from deploy.services import RedisServer
from tests.scale.conftest import missing_engines

CONVERSATION = "concurrent-conversation"
PROCESSES = 6
TICKETS_PER_PROCESS = 40
STORE_TYPE = "bot.redis_lock_store.AtomicRedisLockStore"


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    if "redis-server" in missing_engines():
        pytest.fail("redis-server is not installed (run `make system-deps`)")
    with RedisServer() as server:
        yield server.port


def store_for(port: int) -> AtomicRedisLockStore:
    config = EndpointConfig(
        url="127.0.0.1", type=STORE_TYPE,
        port=port, db=1, key_prefix="test",
    )
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    return store


def take_tickets(port: int, barrier: multiprocessing.Barrier, out: multiprocessing.Queue) -> None:
    store = store_for(port)
    barrier.wait()
    out.put([store.issue_ticket(CONVERSATION, 60) for _ in range(TICKETS_PER_PROCESS)])


def test_rasa_builds_it_from_the_endpoint_config(redis_port):
    store = store_for(redis_port)
    assert store.key_prefix.startswith("test:")
    assert store.red.connection_pool.connection_kwargs["port"] == redis_port


def test_servers_racing_for_one_conversation_never_share_a_ticket(redis_port):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    out = context.Queue()
    workers = [
        context.Process(target=take_tickets, args=(redis_port, barrier, out))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    tickets: List[int] = []
    for _ in workers:
        tickets.extend(out.get(timeout=120))
    for worker in workers:
        worker.join(timeout=30)

    assert len(tickets) == PROCESSES * TICKETS_PER_PROCESS
    assert len(set(tickets)) == len(tickets), "two servers took the same ticket"
    lock = store_for(redis_port).get_lock(CONVERSATION)
    assert lock is not None and len(lock.tickets) == len(tickets)

    store = store_for(redis_port)
    for ticket in sorted(tickets):
        assert not store.get_lock(CONVERSATION).is_locked(ticket)
        store.cleanup(CONVERSATION, ticket)
    assert store.get_lock(CONVERSATION) is None


async def test_a_lock_is_held_until_served_and_then_deleted(redis_port):
    store = store_for(redis_port)
    async with store.lock("one-turn", lock_lifetime=60, wait_time_in_seconds=0.01):
        second = store.issue_ticket("one-turn", 60)
        assert store.get_lock("one-turn").is_locked(second)
    assert not store.get_lock("one-turn").is_locked(second)
    store.cleanup("one-turn", second)
    assert store.get_lock("one-turn") is None


def test_expired_tickets_of_a_dead_server_are_dropped(redis_port):
    store = store_for(redis_port)
    alive = store.issue_ticket("crashed", lock_lifetime=60)
    dead = store.issue_ticket("crashed", lock_lifetime=-1)
    store.update_lock("crashed")
    lock = store.get_lock("crashed")
    assert [ticket.number for ticket in lock.tickets] == [alive] and dead != alive
    store.cleanup("crashed", alive)
