from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Budgetten")

    def ready(self):
        # Contribute the "budget planned" item to the Doelen → Doen gate of cycles.
        from budgets.gates import register

        register()
