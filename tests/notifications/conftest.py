"""Fixtures of the notification tests.

The SMTP sink, the real broker and the real worker (``smtp_sink``, ``celery_broker``,
``worker`` ...) are shared with the browser journeys: they live in ``tests/worker_fixtures.py``,
a plugin that ``tests/conftest.py`` registers. Its helpers are re-exported here for the tests
that import them from this module.
"""

import pytest

from ace_portal.notifications.services import delivery
from tests.worker_fixtures import (
    Worker,
    _forget_queue,
    _test_redis_url,
    route_notifications_to,
    use_broker,
    wait_until,
    worker_database_url,
)

__all__ = [
    "Worker",
    "_forget_queue",
    "_test_redis_url",
    "route_notifications_to",
    "use_broker",
    "wait_until",
    "worker_database_url",
]


@pytest.fixture(autouse=True)
def _fresh_smtp_session():
    """services keeps one SMTP connection per process; a test must not inherit another's."""
    delivery.close_connection()
    yield
    delivery.close_connection()
