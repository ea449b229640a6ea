"""A queryset compiled to SQL once per process, run with new parameter values on each call.

Django builds and compiles a queryset's SQL again on every evaluation; for a query with joins
that is most of its cost (the access check of every tenant page: about 0.9 ms of Python for a
query the database answers in 0.2 ms). ``Prepared`` keeps the compiled SQL and the compiler's
row layout (select list, ``select_related`` joins, annotations) of a queryset built once with
placeholder values, and on each call swaps the real values into the parameter list and lets
Django's own iterable turn the rows into model instances (or values). The queryset is still
written with the ORM, by the selector that owns it: no SQL is hand-written, no rule copied.

    memberships = Prepared(
        lambda user_id, today: Membership.objects.filter(user_id=user_id, ...),
        user_id=0, today=datetime.date(2000, 1, 1),   # the parameters' types, by example
    )
    memberships(user_id=user.pk, today=timezone.localdate())   # -> list of Membership

Rules, checked when the query is first compiled (``ImproperlyConfigured`` otherwise):
- every value that changes between calls is a parameter: ``build`` is called only to compile,
  so anything it computes itself (``timezone.now()``, a setting) is fixed from then on. It is
  compiled twice with different placeholders and must give the same SQL and the same other
  parameters;
- each parameter reaches the SQL exactly once, as a plain value (an exact comparison, not
  inside ``LIKE`` patterns or lists);
- a queryset that lists rows: model instances, ``values()`` or ``values_list()`` (not
  ``count()``/``aggregate()``); ``prefetch_related`` runs as usual after the rows.
"""

import copy
import datetime
import itertools
import weakref
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    ValuesIterable,
    ValuesListIterable,
)

_counter = itertools.count(1)
# The iterables that read their rows through ``query.get_compiler()`` and the compiler's row
# layout (model instances, values(), values_list(), flat and named).
ITERABLES = (
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    FlatValuesListIterable,
    NamedValuesListIterable,
)


def _placeholder(example, round_: int):
    """A value of the example's type that no real call passes (and differs per round)."""
    n = next(_counter) + 1000 * round_
    if isinstance(example, bool):
        raise ImproperlyConfigured("Prepared: a bool parameter cannot be told apart from others")
    if isinstance(example, int):
        return -2_000_000_000 - n
    if isinstance(example, datetime.datetime):
        return datetime.datetime(1, 1, 1, 0, 0, n % 60, n, tzinfo=example.tzinfo)
    if isinstance(example, datetime.date):
        return datetime.date(1, 1 + n % 12, 1 + n % 28)
    if isinstance(example, str):
        return f"\x1fprepared-{n}\x1f"
    raise ImproperlyConfigured(f"Prepared: unsupported parameter type {type(example).__name__}")


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def _unchanged(value):
    return value


def _adapter(ops, example) -> Callable:
    """How the backend's operations turn a value of the example's type into a query parameter
    (a date field lookup passes ``adapt_datefield_value(value)``: the date itself on PostgreSQL,
    its ISO text on SQLite)."""
    if isinstance(example, datetime.datetime):
        return ops.adapt_datetimefield_value
    if isinstance(example, datetime.date):
        return ops.adapt_datefield_value
    return _unchanged


class Prepared:
    def __init__(self, build: Callable[..., QuerySet], **examples):
        self.build = build
        self.examples = examples
        self._compiled: dict[str, tuple] = {}
        # Per connection object, dropped with it (a thread's connection ends with the thread).
        self._kept_converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compile_once(self, alias: str, placeholders: dict):
        queryset = self.build(**placeholders).using(alias)
        if queryset._iterable_class not in ITERABLES:
            raise ImproperlyConfigured("Prepared: only querysets that list rows (no aggregates)")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        positions = {}
        for name, placeholder in placeholders.items():
            # As the database backend passes it: SQLite gets dates and datetimes as text.
            adapt = _adapter(connections[alias].ops, placeholder)
            wanted = adapt(placeholder)
            found = [i for i, p in enumerate(params) if _same(p, wanted)]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"Prepared: parameter {name!r} reaches the SQL {len(found)} times (must be 1)"
                )
            positions[name] = (found[0], adapt)
        return queryset, compiler, sql, list(params), positions

    def _compile(self, alias: str) -> tuple:
        first = {k: _placeholder(v, 1) for k, v in self.examples.items()}
        second = {k: _placeholder(v, 2) for k, v in self.examples.items()}
        compiled = self._compile_once(alias, first)
        _qs, _compiler, sql2, params2, positions2 = self._compile_once(alias, second)
        _queryset, _compiler1, sql, params, positions = compiled
        taken = {index for index, _adapt in positions.values()}
        taken2 = {index for index, _adapt in positions2.values()}
        others = [p for i, p in enumerate(params) if i not in taken]
        others2 = [p for i, p in enumerate(params2) if i not in taken2]
        if sql != sql2 or positions != positions2 or others != others2:
            raise ImproperlyConfigured(
                "Prepared: the SQL depends on more than the parameters (a value computed "
                "inside build, such as now()?)"
            )
        self._compiled[alias] = compiled
        return compiled

    def _converters(self, compiler_template, connection) -> dict:
        """The row converters of the compiled select list on ``connection`` (Django's
        ``get_converters``, which every read asks again: one per column, some 120 on the
        dashboard), worked out once per connection: a backend's converters may be bound methods
        of its connection's operations."""
        kept = self._kept_converters.get(connection)
        if kept is None:
            fields = [s[0] for s in compiler_template.select[0 : compiler_template.col_count]]
            probe = copy.copy(compiler_template)
            probe.connection = connection
            kept = self._kept_converters[connection] = probe.get_converters(fields)
        return kept

    def __call__(self, *, using: str = "default", **values) -> list:
        if values.keys() != self.examples.keys():
            raise TypeError(f"Prepared: expected parameters {sorted(self.examples)}")
        compiled = self._compiled.get(using) or self._compile(using)
        template, compiler_template, sql, params, positions = compiled
        bound = list(params)
        for name, (index, adapt) in positions.items():
            bound[index] = adapt(values[name])
        connection = connections[using]  # this thread's connection
        compiler = copy.copy(compiler_template)
        compiler.connection = connection
        statement = (sql, tuple(bound))
        compiler.as_sql = lambda *args, **kwargs: statement
        converters = self._converters(compiler_template, connection)
        compiler.get_converters = lambda expressions: converters
        # A shallow copy of the template's queryset and query is enough (a clone copies the
        # whole query tree, 0.01-0.02 ms a read): nothing of them changes while the rows are
        # read, since the SQL comes from the compiler above. Not copy.copy(): a QuerySet's
        # __getstate__ would run the template's query.
        query = object.__new__(type(template.query))
        query.__dict__.update(template.query.__dict__)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = object.__new__(type(template))
        queryset.__dict__.update(template.__dict__)
        queryset._query = query
        queryset._result_cache = None
        queryset._prefetch_done = False
        return list(queryset)
