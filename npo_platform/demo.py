"""Demo content for `make run`, built on the real reference data.

Each app contributes a ``seed(stdout)`` function; they run in this order (lower layers first) and
each is idempotent, so a second `make run` changes nothing.
"""

from django.utils.module_loading import import_string

SEEDERS = [
    "municipalities.demo.seed",
    "schools.demo.seed",
    "cycles.demo.seed",
    "budgets.demo.seed",  # after cycles: spending goals and spending of each NPO cycle
    "closeout.demo.seed",  # after budgets: final accountings, Utrecht's next (LEA/GOAB) cycle
    "analyses.demo.seed",  # after closeout: analyses for Utrecht's NPO cycle and its LEA cycle
    "notifications.demo_dates.seed_due_dates",  # after analyses: due dates for the reminders
    "reports.demo.seed",  # after analyses: gemeentefoto, plan, council evaluation, dossier
    "accounts.demo.seed",  # last: enrols every demo login that needs a second factor
]


def seed_all(stdout) -> None:
    for path in SEEDERS:
        import_string(path)(stdout)
