from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Budgetten")

    def ready(self):
        # Contribute the "budget planned" item to the Doelen → Doen gate of cycles.
        from budgets.gates import register

        register()

        from budgets.models import (
            Allocation,
            Beschikking,
            Commitment,
            FundingStream,
            PlannedAmount,
            Spending,
            SpendingGoal,
            StreamFreeze,
        )
        from municipalities import pagecache

        # The funding streams are shared by every municipality; the rest is the municipality's.
        pagecache.register(FundingStream, scope=pagecache.REFERENCE)
        for model in (
            Allocation,
            Beschikking,
            SpendingGoal,
            PlannedAmount,
            Commitment,
            Spending,
            StreamFreeze,
        ):
            pagecache.register(model, scope=pagecache.TENANT)
