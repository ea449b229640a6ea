"""core.suppression: small counts hidden, and a second cell where a total would give one back."""

import random
from itertools import product

import pytest

from core.suppression import COMPLEMENT, SMALL, Group, possible_values, protect


def test_small_counts_without_a_total_are_hidden_alone():
    result = protect([Group(cells={"a": 3, "b": 0, "c": 12}, cap=20)])
    assert result.small == {"a"} and result.complement == set()
    assert [result.display(k, v) for k, v in {"a": 3, "b": 0, "c": 12}.items()] == [SMALL, 0, 12]


def test_a_small_cell_next_to_a_shown_total_gets_a_complement():
    # 2 + 9 + 20 = 31 shown as total: "<5" alone gives 31 - 9 - 20 = 2 back.
    group = Group(cells={"a": 2, "b": 9, "c": 20}, total=31)
    result = protect([group])
    assert result.small == {"a"} and result.complement == {"b"}  # the smallest >= 5
    assert possible_values(group, "a", result.small, result.complement) == {1, 2, 3, 4}


def test_a_cell_never_shown_protects_unless_it_must_be_zero():
    # "geen" is never shown: 1 small + 7 large of 8 leaves "geen" at 0 and small at exactly 1.
    cells = {"small": 1, "large": 7, "none": 0}
    group = Group(cells=cells, total=8, shown=frozenset({"small", "large"}))
    result = protect([group])
    assert result.complement == {"large"}
    assert len(possible_values(group, "small", result.small, result.complement)) > 1
    # With 3 schools without delay the small one is already safe: no complement.
    roomy = Group(cells={**cells, "none": 3}, total=11, shown=frozenset({"small", "large"}))
    assert protect([roomy]).complement == set()


def test_the_reader_knows_a_complement_is_not_small():
    # 1 + 5 + 0 = 6 with every cell shown: hiding the 5 as x does not help, because the reader
    # knows an x is 0 or at least 5 (else it would read <5): a + x = 6 still forces a = 1. Nor
    # does hiding the 0 too. The group cannot be protected and is reported as such.
    group = Group(cells={"a": 1, "b": 5, "c": 0}, total=6)
    result = protect([group])
    assert possible_values(group, "a", {"a"}, {"b"}) == {1}
    assert result.unprotectable == {0} and result.display("b", 5) == COMPLEMENT


def test_one_analysis_cannot_be_protected():
    result = protect([Group(cells={"a": 1}, cap=1)])
    assert result.unprotectable == {0}


def test_overlapping_totals_are_refused():
    with pytest.raises(ValueError, match="joint solver"):
        protect([Group(cells={"a": 1, "b": 6}, total=7), Group(cells={"a": 1, "c": 9}, total=10)])


def _brute_force(cells: dict, shown: set, total: int, small: set, complement: set, key) -> set:
    """Every value of ``key`` in an integer solution, by plain enumeration (independent)."""
    domains = []
    for k, v in cells.items():
        if k in small:
            domains.append(range(1, 5))
        elif k in complement:
            domains.append([0, *range(5, total + 1)])
        elif k not in shown:
            domains.append(range(0, total + 1))
        else:
            domains.append([v])
    index = list(cells).index(key)
    return {combo[index] for combo in product(*domains) if sum(combo) == total}


def test_random_tables_leave_every_small_cell_at_least_two_values():
    rng = random.Random(14)
    checked = 0
    for _ in range(300):
        n = rng.randint(2, 4)
        cells = {f"c{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15]) for i in range(n)}
        shown = {k for k in cells if rng.random() < 0.8}
        group = Group(cells=cells, total=sum(cells.values()), shown=frozenset(shown))
        result = protect([group])
        if result.unprotectable:
            continue
        for key in result.small:
            values = _brute_force(cells, shown, group.total, result.small, result.complement, key)
            assert cells[key] in values and len(values) >= 2, (cells, shown, result)
            checked += 1
    assert checked > 100
