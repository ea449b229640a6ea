"""core.memo: a value read once per scope."""

from core.memo import memo, memo_scope


def test_inside_a_scope_each_key_is_computed_once_and_outside_every_time():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert memo(("k",), compute) == 1
    assert memo(("k",), compute) == 2  # no scope: computed each time
    with memo_scope():
        assert memo(("k",), compute) == 3
        assert memo(("k",), compute) == 3
        assert memo(("other",), compute) == 4
        with memo_scope():  # an inner scope starts empty and leaves the outer one alone
            assert memo(("k",), compute) == 5
        assert memo(("k",), compute) == 3
    assert memo(("k",), compute) == 6  # the scope's values are gone with it
