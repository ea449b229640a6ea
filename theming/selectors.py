from municipalities.models import Municipality
from theming.models import MunicipalityTheme
from theming.tokens import tokens_css


def theme_get(*, municipality: Municipality) -> MunicipalityTheme | None:
    """The municipality's theme, or None: it shows the default theme."""
    return MunicipalityTheme.objects.for_municipality(municipality).first()


def theme_stylesheet(*, municipality: Municipality) -> str:
    """The stylesheet ``/g/<slug>/thema.css`` serves: the municipality's token overrides under
    ``.voorbeeld-theme.npo-theme``, to be linked after ``static/nlds/voorbeeld-theme.css``. Only
    names and values that passed ``theming.tokens`` end up here; nothing a user typed (the name
    form) is written into it."""
    theme = theme_get(municipality=municipality)
    token_set = theme.token_set if theme else MunicipalityTheme.TokenSet.VOORBEELD
    header = (
        f"/* NPO-platform, huisstijl: {token_set}. Boven op static/nlds/voorbeeld-theme.css. */\n"
    )
    overrides = theme.overrides() if theme else {}
    return header + (tokens_css(overrides) if overrides else "")
