"""Writes of a municipality's theme. Validation first (token file, logo, contrast), then the
save; a replaced logo file is removed only after the commit, a new one again if the save fails."""

from django.core.files.base import ContentFile
from django.db import transaction

from municipalities.models import Municipality
from theming.logo import CheckedLogo, check_logo
from theming.models import MunicipalityTheme
from theming.tokens import MAX_TOKEN_FILE_BYTES, parse_token_file, tokens_css


def token_file_read(token_file) -> str:
    """The uploaded token file as the CSS we store (``tokens_css``), or a Dutch
    ``ValidationError`` naming the problem and its line. Reads at most one byte past the limit."""
    token_file.seek(0)
    data = token_file.read(MAX_TOKEN_FILE_BYTES + 1)
    token_file.seek(0)
    return tokens_css(parse_token_file(data))


def theme_save(
    *, theme: MunicipalityTheme, logo: CheckedLogo | None = None, remove_logo: bool = False
) -> MunicipalityTheme:
    """Check ``theme`` (contrast included) and save it with the new logo, if any. Raises a
    Dutch ``ValidationError`` and stores nothing when the theme is refused."""
    theme.full_clean(exclude=["logo"])
    old_logo = theme.logo.name if (logo is not None or remove_logo) and theme.logo else ""
    storage = theme.logo.storage
    new_logo = ""
    try:
        with transaction.atomic():
            if logo is not None:
                theme.logo.save(f"logo{logo.extension}", ContentFile(logo.content), save=False)
                new_logo, theme.logo_kind = theme.logo.name, logo.kind
            elif remove_logo:
                theme.logo, theme.logo_kind = "", ""
            theme.save()
    except BaseException:
        if new_logo:
            storage.delete(new_logo)
        raise
    if old_logo:
        transaction.on_commit(lambda: storage.delete(old_logo))
    return theme


def theme_update(
    *,
    municipality: Municipality,
    token_set: str | None = None,
    token_file=None,
    logo_file=None,
    remove_logo: bool = False,
    name_form: str | None = None,
) -> MunicipalityTheme:
    """Create or change the municipality's theme. A token file makes the set "uploaded"."""
    theme = MunicipalityTheme.objects.for_municipality(municipality).first()
    if theme is None:
        theme = MunicipalityTheme(municipality=municipality)
    if token_set is not None:
        theme.token_set = token_set
    if token_file is not None:
        theme.token_css = token_file_read(token_file)
        theme.token_set = MunicipalityTheme.TokenSet.UPLOADED
    if name_form is not None:
        theme.name_form = name_form
    logo = check_logo(logo_file) if logo_file is not None else None
    return theme_save(theme=theme, logo=logo, remove_logo=remove_logo)
