from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ThemingConfig(AppConfig):
    name = "theming"
    verbose_name = _("Huisstijl")

    def ready(self) -> None:
        from core.cache import on_recovery
        from core.mail import register_html_context
        from municipalities import pagecache
        from municipalities.models import Municipality
        from theming.documents import mail_html_context
        from theming.models import MunicipalityTheme
        from theming.selectors import theme_forget_all

        # Every page of the municipality shows its house style (and soon its logo and name
        # form): a theme change retires that municipality's cached pages.
        pagecache.register(MunicipalityTheme, scope=pagecache.TENANT)
        # The copy of the theme kept for the pages' header (theming.selectors.theme_cached).
        post_save.connect(_theme_written, sender=MunicipalityTheme, dispatch_uid="theming.kept")
        post_delete.connect(_theme_written, sender=MunicipalityTheme, dispatch_uid="theming.kept")
        post_save.connect(_municipality_saved, sender=Municipality, dispatch_uid="theming.none")
        # Theme writes skipped during a cache outage: nothing kept is served after it.
        on_recovery(theme_forget_all)
        # The municipality's name form and colours in its HTML e-mails.
        register_html_context(mail_html_context)


def _theme_written(sender, instance, **kwargs) -> None:
    from theming.selectors import theme_changed

    theme_changed(municipality_id=instance.municipality_id)


def _municipality_saved(sender, instance, created: bool = False, **kwargs) -> None:
    if created:
        from theming.selectors import theme_none

        theme_none(municipality_id=instance.pk)
