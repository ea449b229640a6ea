"""How a municipality's own figures are labelled: every inhabitants figure names its source and
its date ("Bron: CBS, 1 jan. 2026"), or says the date is unknown."""

from django.utils import formats
from django.utils.translation import gettext as _

from municipalities.models import Municipality


def inhabitants_source(municipality: Municipality) -> str:
    """ "Bron: CBS, 1 jan. 2026", "Bron: CBS (via Wikidata), datum onbekend", or "" without a
    figure. The short Dutch month comes from the project's locale ('j N Y')."""
    if municipality.inhabitants is None:
        return ""
    source = municipality.inhabitants_source or _("onbekend")
    if municipality.inhabitants_date is None:
        return _("Bron: %(source)s, datum onbekend") % {"source": source}
    return _("Bron: %(source)s, %(date)s") % {
        "source": source,
        "date": formats.date_format(municipality.inhabitants_date, "j N Y"),
    }
