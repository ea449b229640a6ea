"""For whom a dossier is: the archive (school-analysis summaries in; the schools' attachments
when asked) or the accountant (neither)."""

from django.utils.translation import gettext as _

AUDIENCE_ARCHIVE = "archief"
AUDIENCE_ACCOUNTANT = "accountant"
AUDIENCES = (AUDIENCE_ARCHIVE, AUDIENCE_ACCOUNTANT)


def dossier_options(*, audience: str, attachments: bool = False) -> dict:
    """The job options of a dossier: for the accountant never the schools' attachments."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown dossier audience {audience!r}")
    return {
        "audience": audience,
        "attachments": bool(attachments) and audience == AUDIENCE_ARCHIVE,
    }


def audience_display(options: dict) -> str:
    if (options or {}).get("audience") == AUDIENCE_ACCOUNTANT:
        return _("voor de accountant")
    if (options or {}).get("attachments"):
        return _("voor het archief, met bijlagen van scholen")
    return _("voor het archief")
