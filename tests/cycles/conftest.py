import pytest

from cycles import gates
from cycles.gates import CheckResult


@pytest.fixture
def satisfy_external_checks():
    """Stand in for the checks other apps own (gemeentefoto: reports; budget: budgets).

    Registers passing checks under the same keys for the duration of the test and puts back
    whatever was registered before, so tests never depend on those apps' data.
    """
    saved = dict(gates._registry)
    for phase, key in (("data", "gemeentefoto"), ("doelen", "budget_planned")):
        existing = gates._registry[(phase, key)]
        gates.register_check(
            phase,
            key,
            existing.label,
            lambda cycle: CheckResult(True, "vervangen in de test"),
            order=existing.order,
        )
    yield
    gates._registry.clear()
    gates._registry.update(saved)
