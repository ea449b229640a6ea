"""Read once per unit of work: what several parts of one evaluation ask for (the dashboard's
panels want the open cycle, a checklist's checks want the complete goals) is computed once
inside ``memo_scope()`` and then handed to each that asks.

    with memo_scope():
        for panel in panels:
            panel(...)            # each calls memo(("open_cycle", pk), lambda: open_cycle(...))

Outside a scope ``memo`` simply computes. A scope holds its values only while it runs (one
request's read-only evaluation); a scope opened inside another starts empty, unless it is
opened with ``join=True``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_values: ContextVar[dict | None] = ContextVar("core_memo", default=None)


@contextmanager
def memo_scope(*, join: bool = False) -> Iterator[None]:
    """A new scope; with ``join``, the scope already running if there is one (a part that
    reads several things once, such as a checklist, shown inside a page that reads them too:
    the dashboard's cycle panel and its other panels)."""
    if join and _values.get() is not None:
        yield
        return
    token = _values.set({})
    try:
        yield
    finally:
        _values.reset(token)


def memo[T](key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, once per scope for the same ``key`` (e.g. ``("open_cycle", pk)``)."""
    values = _values.get()
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]
