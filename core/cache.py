"""A Redis cache that fails open: with Redis down, a read is a miss and a write is skipped.

Everything this site keeps in the cache can be computed again (rendered pages, a provider's
origins), and sessions are in the database, so Redis down must cost speed, never a page. Django's
RedisCache raises on every call when Redis is unreachable, and each caller would need its own
fallback; this backend gives them all the same one, logged. ``incr``/``decr`` keep their errors
(a counter that silently stops counting would be worse than an error).
"""

import logging
import threading
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisError, OSError)

# Writes skipped during an outage may have been the retirement of cached pages: once Redis
# answers again, this process first runs the recovery hooks (the page cache registers
# retire_all in npo_platform.apps), so no page kept from before the outage shows older data.
_outage = threading.Event()
_recovering = threading.Lock()
_recovery_hooks: list[Callable[[], None]] = []


def on_recovery(hook: Callable[[], None]) -> None:
    """Run ``hook`` (which may use the cache) when the cache answers again after an outage."""
    if hook not in _recovery_hooks:
        _recovery_hooks.append(hook)


def _recover() -> None:
    if not _recovering.acquire(blocking=False):
        return
    try:
        _outage.clear()
        for hook in _recovery_hooks:
            hook()  # a hook whose cache call fails marks the outage again
        if not _outage.is_set():
            logger.warning("Cache available again; recovery hooks ran")
    finally:
        _recovering.release()


def _fails_open(name: str, default):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        if _outage.is_set():
            _recover()
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            _outage.set()
            logger.warning("Cache unavailable (%s: %s); %s skipped", type(exc).__name__, exc, name)
            return default(args, kwargs) if callable(default) else default

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _get_default(args, kwargs):
    if len(args) > 1:
        return args[1]
    return kwargs.get("default")


class FailOpenRedisCache(RedisCache):
    get = _fails_open("get", _get_default)
    get_many = _fails_open("get_many", lambda args, kwargs: {})
    has_key = _fails_open("has_key", False)
    add = _fails_open("add", False)
    set = _fails_open("set", False)
    set_many = _fails_open("set_many", lambda args, kwargs: list(args[0]) if args else [])
    touch = _fails_open("touch", False)
    delete = _fails_open("delete", False)
    delete_many = _fails_open("delete_many", None)
    clear = _fails_open("clear", False)
