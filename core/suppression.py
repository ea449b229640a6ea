"""Small-number suppression with complementary suppression: which cells of a table to hide.

Counts of schools derived from their NPO analyses ("2 scholen zien grote vertraging bij rekenen")
are shown as ``<5`` from 1 to 4. Hiding those alone is not enough where the reader also sees a
total: a hidden cell next to a shown total and shown neighbours can be worked back exactly. So
``protect`` also hides a second cell (shown as ``x``) until every hidden cell keeps at least two
possible values given everything the reader sees.

The reader's knowledge is modelled exactly, in integers:

- a shown cell has its value;
- a ``<5`` cell lies in 1..4 (the reader knows that);
- an ``x`` cell is 0 or at least 5 (the reader knows it is not a small number, else it would be
  ``<5``);
- a cell the product never shows (part of a total, like "geen vertraging") is any number >= 0;
- every cell is at most ``cap`` (e.g. the number of analyses received), and the cells of a
  group with a ``total`` add up to that total exactly.

A cell takes part in at most one group with a total (the tables here are one-dimensional: the
delays of one domain add up to the analyses received); overlapping totals would need a joint
solver and are refused. Pure arithmetic: no Django, so every layer can use it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

SMALL_NUMBER_LIMIT = 5
SMALL = "<5"  # a count from 1 to 4
COMPLEMENT = "x"  # hidden so that a small count cannot be worked back


@dataclass(frozen=True)
class Group:
    """Cells that add up to a shown ``total``, or (``total`` None) independent cells.

    ``cells`` holds every cell of the group with its exact count, shown or not; ``shown`` names
    the cells the product displays (default: all); ``cap`` bounds each cell (e.g. at most the
    number of analyses received, which the reader sees).
    """

    cells: Mapping[Hashable, int]
    total: int | None = None
    shown: frozenset | None = None
    cap: int | None = None

    def displayed(self, key) -> bool:
        return self.shown is None or key in self.shown


@dataclass
class Protection:
    """The outcome: which displayed cells are hidden, and why."""

    small: set = field(default_factory=set)  # primary: 1..4
    complement: set = field(default_factory=set)  # secondary: hidden to protect a small one
    unprotectable: set = field(default_factory=set)  # groups (by index) hidden entirely

    @property
    def hidden(self) -> set:
        return self.small | self.complement

    def display(self, key, value: int | None) -> int | str | None:
        """The value as the product shows it: the count, ``"<5"`` or ``"x"``."""
        if key in self.small:
            return SMALL
        if key in self.complement:
            return COMPLEMENT
        return value


def is_small(value: int | None) -> bool:
    return value is not None and 0 < value < SMALL_NUMBER_LIMIT


def _domain(
    key, value: int, group: Group, small: set, complement: set, upper: int
) -> list[tuple[int, int]]:
    """The values the reader considers possible for one cell, as closed intervals."""
    if key in small:
        return [(1, min(SMALL_NUMBER_LIMIT - 1, upper))]
    if key in complement:
        return [(0, 0), (SMALL_NUMBER_LIMIT, upper)]
    if not group.displayed(key):
        return [(0, upper)]
    return [(value, value)]


def _sums(domains: list[list[tuple[int, int]]], limit: int) -> int:
    """Bitmask of every total 0..limit reachable by one value from each domain."""
    mask = (1 << (limit + 1)) - 1
    reachable = 1
    for intervals in domains:
        step = 0
        for low, high in intervals:
            for value in range(low, min(high, limit) + 1):
                step |= reachable << value
        reachable = step & mask
        if not reachable:
            break
    return reachable


def possible_values(group: Group, key, small: set, complement: set) -> set[int]:
    """Every value the reader could take the cell ``key`` to have (exact, integers)."""
    upper = group.cap if group.cap is not None else group.total
    if upper is None:
        upper = max(group.cells.values(), default=0) + SMALL_NUMBER_LIMIT  # unbounded: any
    domains = {k: _domain(k, v, group, small, complement, upper) for k, v in group.cells.items()}
    own = [v for low, high in domains[key] for v in range(low, high + 1)]
    if group.total is None:
        return set(own)
    others = _sums([d for k, d in domains.items() if k != key], group.total)
    return {v for v in own if v <= group.total and (others >> (group.total - v)) & 1}


def _derivable(group: Group, small: set, complement: set) -> list:
    return [
        key
        for key in group.cells
        if key in small and len(possible_values(group, key, small, complement)) < 2
    ]


def protect(groups: Iterable[Group]) -> Protection:
    """Hide every displayed count from 1 to 4, plus as few other cells as needed.

    Complements are taken from the group's other displayed cells, smallest count of at least 5
    first (the least information lost), then zeros. A group that cannot be protected (e.g. one
    analysis received, so every count is 0 or 1) is hidden entirely and named in
    ``unprotectable``; the caller should then not show it.
    """
    groups = list(groups)
    seen: set = set()
    for group in groups:
        if group.total is None:
            continue
        overlap = seen & set(group.cells)
        if overlap:
            raise ValueError(f"cells in two totals need a joint solver: {sorted(overlap)!r}")
        seen |= set(group.cells)

    result = Protection()
    for index, group in enumerate(groups):
        small = {k for k, v in group.cells.items() if group.displayed(k) and is_small(v)}
        complement: set = set()
        while _derivable(group, small, complement):
            candidates = sorted(
                (
                    (v < SMALL_NUMBER_LIMIT, v, str(k), k)
                    for k, v in group.cells.items()
                    if group.displayed(k) and k not in small and k not in complement
                ),
            )
            if not candidates:
                result.unprotectable.add(index)
                complement |= {k for k in group.cells if group.displayed(k) and k not in small}
                break
            complement.add(candidates[0][3])
        result.small |= small
        result.complement |= complement
    return result
