"""The interventions of the NPO-menukaart.

Ratings the menukaart does not give stay empty (shown as "niet beoordeeld", never 0).
"""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.importers.base import (
    Summary,
    read_table,
    require_filled,
    require_pattern,
    require_unique,
    sync_rows,
)
from schools.importers.datasets.common import int_or_none
from schools.models import Intervention

MENUKAART_COLUMNS = [
    "versie",
    "bron_url",
    "doelgebied",
    "doelgebied_omschrijving",
    "interventie",
    "effect_maanden",
    "bewijs_vinkjes",
    "kosten_euros",
]


# Names that an earlier shipped file had wrong: the stored row is renamed, so goals and school
# analyses that chose it keep it. (version, old name) -> new name.
RENAMED = {
    (
        "v2_na_EEF_update",
        "Onderwijsassistenten/instruc[teurs] (afgekapt in opgeslagen tekst)",
    ): "Onderwijsassistenten/instructeurs",
}


def _rename_corrected(desired_keys) -> int:
    renamed = 0
    for (version, old), new in RENAMED.items():
        if (version, new) not in desired_keys:
            continue
        if Intervention.objects.filter(version=version, name=new).exists():
            continue
        renamed += Intervention.objects.filter(version=version, name=old).update(name=new)
    return renamed


def load_interventions(*, menukaart_path: Path) -> Summary:
    summary = Summary(_("NPO-menukaart"))
    label = menukaart_path.name
    frame = read_table(menukaart_path, sep=",", columns=MENUKAART_COLUMNS, label=label)
    require_filled(frame, "versie", label)
    require_filled(frame, "interventie", label)
    require_pattern(frame, "doelgebied", r"[A-F]", label, _("doelgebied (A–F)"))
    require_pattern(frame, "effect_maanden", r"|[+-]?[0-9]+", label, _("aantal maanden"))
    require_pattern(frame, "bewijs_vinkjes", r"|[0-5]", label, _("bewijskracht (0–5)"))
    require_pattern(frame, "kosten_euros", r"|[1-5]", label, _("kostenindicatie (1–5)"))
    require_unique(frame, ["versie", "interventie"], label, "interventie")
    desired = {
        (row.versie, row.interventie[:200]): {
            "area": row.doelgebied,
            "area_description": row.doelgebied_omschrijving[:200],
            "effect_months": int_or_none(row.effect_maanden),
            "evidence": int_or_none(row.bewijs_vinkjes),
            "cost": int_or_none(row.kosten_euros),
            "source_url": row.bron_url,
        }
        for row in frame.itertuples()
    }
    fields = ("area", "area_description", "effect_months", "evidence", "cost", "source_url")
    renamed = _rename_corrected(desired.keys())
    existing = list(Intervention.objects.values("pk", "version", "name", *fields))
    plan = sync_rows(
        model=Intervention,
        key_fields=("version", "name"),
        fields=fields,
        desired=desired,
        existing=existing,
    )
    summary.added, summary.updated, summary.unchanged = (
        plan.added,
        plan.updated,
        plan.unchanged,
    )
    summary.updated += renamed
    if renamed:
        summary.notes.append(
            ngettext(
                "%(count)s interventie kreeg haar volledige naam.",
                "%(count)s interventies kregen hun volledige naam.",
                renamed,
            )
            % {"count": renamed}
        )
    gone = {(r["version"], r["name"]) for r in existing} - desired.keys()
    if gone:
        summary.notes.append(
            ngettext(
                "%(count)s interventie staat niet meer in het bestand; ze blijft bestaan "
                "omdat doelen ernaar kunnen verwijzen.",
                "%(count)s interventies staan niet meer in het bestand; ze blijven bestaan "
                "omdat doelen ernaar kunnen verwijzen.",
                len(gone),
            )
            % {"count": len(gone)}
        )
    return summary
