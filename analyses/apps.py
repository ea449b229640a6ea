from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysesConfig(AppConfig):
    """The schools' NPO analyses of a cycle: above ``cycles`` (an analysis belongs to a cycle),
    below ``reports`` and ``portfolio`` (which read them); independent of ``budgets``."""

    name = "analyses"
    verbose_name = _("Schoolanalyses")

    def ready(self):
        # Contribute the "school analyses received" item to the Data → Duiden gate of cycles.
        from analyses.gates import register

        register()

        from analyses.models import (
            AnalysisAttachment,
            AnalysisNeed,
            AnalysisRemark,
            SchoolAnalysis,
        )
        from municipalities import pagecache

        # Writes to these retire the municipality's cached pages. Not registered:
        # AnalysisReminder (a record of reminder mails sent, shown only on the analyses
        # overview, which is not cached) and AnalysisIntake (an uploaded file's preview; only
        # confirming it changes what pages show, and that writes SchoolAnalysis rows).
        for model in (SchoolAnalysis, AnalysisNeed, AnalysisAttachment, AnalysisRemark):
            pagecache.register(model, scope=pagecache.TENANT)
