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
