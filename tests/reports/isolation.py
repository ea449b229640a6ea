"""URL kwargs of the reports app for the tenant isolation sweep."""


def _report(municipality):
    from tests.reports.factories import ReportJobFactory

    return ReportJobFactory(municipality=municipality).pk


KWARG_FACTORIES = {"report_pk": _report}
