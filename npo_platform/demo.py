"""Demo content for `make run`, built on the real reference data.

Each app contributes a ``seed(stdout)`` function; they run in this order (lower layers first) and
each is idempotent, so a second `make run` changes nothing.
"""

from django.utils.module_loading import import_string

SEEDERS = [
    "municipalities.demo.seed",
    "schools.demo.seed",
    "cycles.demo.seed",
    "analyses.demo.seed",  # after cycles: analyses for Utrecht's open cycle
    "budgets.demo.seed",  # after cycles' seeder: it plans money for Utrecht's cycle in Doen
    "reports.demo.seed",
    "accounts.demo.seed",  # last: enrols every demo login that needs a second factor
]


def seed_all(stdout) -> None:
    for path in SEEDERS:
        import_string(path)(stdout)
