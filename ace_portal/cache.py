"""Django's Redis cache made tolerant: a cache that cannot answer is a cache that misses.

Everything the portal keeps in the cache can be rebuilt or done without: the reference choice
lists (experts.services.choices rebuilds them from the database), an import's progress bar, and
allauth's rate limits and used TOTP codes. So when Redis is down or hung, a read gives the
default, a write is logged and dropped, and ``add`` answers False ("not added"), instead of the
exception Django's RedisCache raises after its socket timeout.

One failure marks the cache down in this process for ``retry_after`` seconds (an OPTIONS key,
REDIS_RETRY_AFTER_SECONDS): calls then answer at once without asking Redis. A hung Redis thus
costs a request at most one socket timeout, not one for each cache call (allauth makes four
for each rate limit it checks).

Sign-in fails closed: allauth treats a rate-limit lock it cannot take (``add`` is False) as
"rate limited", so while the cache is down nobody signs in; ace_portal.accounts.views.
rate_limited answers 503 with an explanation rather than a misleading 429. The rate limits are
the only brake on guessing passwords, and with them gone an outage of Redis would switch that
brake off for as long as it lasts; people already signed in keep working (sessions are kept in
the database).
"""

import functools
import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER = 5

# Location -> time.monotonic() until which the cache there is taken as down. Module-level
# because Django makes one backend instance per thread and all threads share the one Redis.
_down_until: dict[str, float] = {}


def _tolerant(fallback):
    """Make a RedisCacheClient method answer ``fallback`` when Redis fails or is marked down."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args):
            if not self.available():
                return fallback(*args)
            try:
                return method(self, *args)
            except redis.RedisError as error:  # ConnectionError and TimeoutError among them
                _down_until[self.location] = time.monotonic() + self.retry_after
                logger.warning(
                    "Cache unavailable (%s: %s); going without it for %s s.",
                    type(error).__name__,
                    error,
                    self.retry_after,
                )
                return fallback(*args)

        return call

    return wrap


def _missing(key, *args):
    # incr on a cache that cannot answer: as for a key that is not there (the caller sets it).
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class TolerantRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, retry_after, **options):
        super().__init__(servers, **options)
        self.location = ",".join(servers)
        self.retry_after = retry_after

    def available(self) -> bool:
        """False while a recent failure keeps this process from asking Redis."""
        return time.monotonic() >= _down_until.get(self.location, 0.0)

    add = _tolerant(lambda *args: False)(RedisCacheClient.add)
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    set = _tolerant(lambda *args: None)(RedisCacheClient.set)
    touch = _tolerant(lambda *args: False)(RedisCacheClient.touch)
    delete = _tolerant(lambda *args: False)(RedisCacheClient.delete)
    get_many = _tolerant(lambda *args: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda *args: False)(RedisCacheClient.has_key)
    incr = _tolerant(_missing)(RedisCacheClient.incr)
    set_many = _tolerant(lambda *args: None)(RedisCacheClient.set_many)
    delete_many = _tolerant(lambda *args: None)(RedisCacheClient.delete_many)
    clear = _tolerant(lambda: False)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    """Django's RedisCache through TolerantRedisCacheClient. OPTIONS may hold ``retry_after``
    (seconds); the others go to redis-py's connection pool as for RedisCache."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = dict(self._options)
        self._options.setdefault("retry_after", DEFAULT_RETRY_AFTER)
        self._class = TolerantRedisCacheClient

    def available(self) -> bool:
        return self._cache.available()


def cache_available(alias: str = "default") -> bool:
    """Whether the cache answers (as far as this process knows); any other backend always does."""
    available = getattr(caches[alias], "available", None)
    return available() if available else True
