"""URL kwargs of the reports app for the tenant isolation sweep."""


def _report(municipality):
    from tests.reports.factories import ReportJobFactory

    return ReportJobFactory(municipality=municipality).pk


# ``stream_code`` (the close-out outputs) has its factory in tests/closeout/isolation.py.
KWARG_FACTORIES = {"report_pk": _report, "fmt": lambda municipality: "csv"}
