"""The reports app's contribution to the cycle's Data → Duiden exit checklist."""

from django.utils.translation import gettext_lazy as _


def gemeentefoto_check(cycle):
    from cycles.gates import CheckResult
    from reports.models import ReportJob

    job = (
        ReportJob.objects.filter(cycle=cycle, kind=ReportJob.Kind.GEMEENTEFOTO)
        .done()
        .order_by("-version")
        .only("version", "finished_at")
        .first()
    )
    if job is None:
        return CheckResult(
            False,
            _("Genereer de gemeentefoto voor deze cyclus onder Rapportages."),
        )
    return CheckResult(
        True, _("Gemeentefoto versie %(version)s is klaar.") % {"version": job.version}
    )


def register() -> None:
    from cycles.gates import register_check
    from cycles.models import Phase

    register_check(
        Phase.DATA,
        "gemeentefoto",
        _("Gemeentefoto gegenereerd"),
        gemeentefoto_check,
        order=10,
    )
