"""Sign-in limits hold across worker processes because the counters live in Redis.

Each "worker" is a separate process with its own application and its own limiter, as gunicorn
workers are: the only thing they share is the database and the rate-limit storage.
"""

import multiprocessing
import os
import uuid

import pytest

from tests.conftest import PASSWORD, CsrfClient
from wellness import create_app
from wellness.config import TestConfig

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WRONG = "not the password at all"


def _redis():
    """A client for the test Redis database, or a skip (a failure with REQUIRE_REDIS=1)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis at {REDIS_URL} is not reachable ({error}); set TEST_REDIS_URL or start Redis"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message + " (REQUIRE_REDIS=1)")
        pytest.skip(message)
    return client


def _serve(connection, database_url: str, storage_uri: str, key_prefix: str) -> None:
    """A worker: answers (email, password) sign-in attempts with the response's status code."""

    class WorkerConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_STORAGE_URI = storage_uri
        RATELIMIT_KEY_PREFIX = key_prefix

    app = create_app(WorkerConfig)
    app.test_client_class = CsrfClient
    connection.send("ready")
    while (attempt := connection.recv()) is not None:
        email, password = attempt
        client = app.test_client()  # a new browser each time: only the account ties attempts together
        connection.send(client.post("/login", data={"email": email, "password": password}).status_code)


def _context():
    # A fork server imports the application once; each worker is then a quick fork of it that
    # builds its own app, as a gunicorn worker does after the master forks it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["wellness", __name__])
    return context


class Worker:
    def __init__(self, database_url: str, storage_uri: str, key_prefix: str):
        context = _context()
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, database_url, storage_uri, key_prefix), daemon=True
        )
        self.process.start()

    def wait_until_ready(self) -> None:
        if not self.connection.poll(60):
            raise RuntimeError("the worker did not start")
        assert self.connection.recv() == "ready"

    def sign_in(self, email: str, password: str) -> int:
        self.connection.send((email, password))
        if not self.connection.poll(30):
            raise RuntimeError("the worker did not answer")
        return self.connection.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.connection.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


@pytest.fixture
def workers(database_url):
    """Start two workers on the test database with the given rate-limit storage."""
    started: list[Worker] = []

    def start(storage_uri: str, key_prefix: str) -> tuple[Worker, Worker]:
        pair = (Worker(database_url, storage_uri, key_prefix), Worker(database_url, storage_uri, key_prefix))
        started.extend(pair)
        for worker in pair:
            worker.wait_until_ready()
        return pair

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own; its keys are deleted afterwards."""
    client = _redis()
    prefix = f"wellness-test-{uuid.uuid4().hex}"
    yield client, prefix
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_account_limit_holds_across_two_workers_sharing_redis(make_person, workers, redis_prefix):
    redis_client, prefix = redis_prefix
    person = make_person("resident")
    first, second = workers(REDIS_URL, prefix)

    statuses = [(first, second)[n % 2].sign_in(person.email, WRONG) for n in range(6)]

    assert statuses == [401, 401, 401, 401, 401, 429]  # three failures on each, five in all
    assert first.sign_in(person.email, PASSWORD) == 429  # the right password waits too
    assert second.sign_in(person.email, PASSWORD) == 429
    assert list(redis_client.scan_iter(match=f"*{prefix}*account:{person.email}*"))


def test_other_accounts_are_not_limited_by_one_accounts_failures(make_person, workers, redis_prefix):
    _, prefix = redis_prefix
    locked, other = make_person("resident"), make_person("resident")
    first, second = workers(REDIS_URL, prefix)
    for n in range(6):
        (first, second)[n % 2].sign_in(locked.email, WRONG)

    assert second.sign_in(other.email, PASSWORD) == 302


def test_in_memory_counters_are_per_worker_so_they_need_shared_storage(make_person, workers):
    # The contrast that shows why production needs RATELIMIT_STORAGE_URI pointing at Redis.
    person = make_person("resident")
    first, second = workers("memory://", f"wellness-test-{uuid.uuid4().hex}")

    statuses = [(first, second)[n % 2].sign_in(person.email, WRONG) for n in range(6)]

    assert statuses == [401] * 6
