from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """The advisor's overview across all municipalities they support.

    The top layer: it reads every other app; none of them imports it.
    """

    name = "portfolio"
    verbose_name = _("Portfolio")
