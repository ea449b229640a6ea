from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CloseoutConfig(AppConfig):
    name = "closeout"
    verbose_name = _("Eindverantwoording")

    def ready(self):
        from closeout.models import (
            ActivityContinuation,
            Consultation,
            FinalAccounting,
            IndicatorText,
            LedgerAmount,
            ReportedSisaValue,
        )
        from municipalities import pagecache

        # Indicator texts are the platform's (staff keep them in the admin); the rest is the
        # municipality's. The budget pages do not show these rows, but the dashboard may.
        pagecache.register(IndicatorText, scope=pagecache.REFERENCE)
        for model in (
            FinalAccounting,
            ReportedSisaValue,
            LedgerAmount,
            Consultation,
            ActivityContinuation,
        ):
            pagecache.register(model, scope=pagecache.TENANT)

        # The new cycle's Data page shows under which stream a continued activity goes on.
        from closeout.views_continuation import continuation_texts
        from cycles.views.data import register_continuation_provider

        register_continuation_provider(continuation_texts)
