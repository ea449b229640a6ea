"""core.suppression: small counts hidden, and a second cell where a total would give one back."""

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
