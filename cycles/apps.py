from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "cycles"
    verbose_name = _("4D-cycli")

    def ready(self) -> None:
        from cycles import models
        from municipalities import pagecache

        # Everything of a cycle is on its page, the dashboard or the portfolio: every write
        # retires the municipality's pages.
        for model in (
            models.Cycle,
            models.PhaseTransition,
            models.StakeholderSession,
            models.SessionAttachment,
            models.Finding,
            models.Goal,
            models.GoalRevision,
            models.Activity,
            models.ProgressUpdate,
            models.GoalOutcome,
        ):
            pagecache.register(model, scope=pagecache.TENANT)
