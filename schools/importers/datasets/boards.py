"""VO school-board names from DUO's "03. Bevoegde gezagen vo" (``duo-bevoegde-gezagen-vo.csv``).

DUO's location files carry only board numbers; this list names the VO boards (a summer-2023
snapshot; PO boards are not in it). A board without a name here keeps its number and shows
"naam onbekend". Windows-1252, ``;``, CRLF, as published.
"""

from pathlib import Path

from django.utils.translation import gettext as _

from schools.importers.base import (
    Summary,
    read_table,
    require_filled,
    require_pattern,
    require_unique,
    sync_rows,
)
from schools.models import SchoolBoard

NUMBER, NAME = "BEVOEGD GEZAG NUMMER", "BEVOEGD GEZAG NAAM"


def load_board_names(*, boards_path: Path) -> Summary:
    summary = Summary(_("Namen schoolbesturen (VO)"))
    label = boards_path.name
    frame = read_table(boards_path, sep=";", columns=[NUMBER, NAME], label=label)
    require_pattern(frame, NUMBER, r"[0-9]{1,6}", label, _("bevoegd-gezagnummer"))
    # Numbers are stored without leading zeros, as the schools step stores them.
    frame[NUMBER] = frame[NUMBER].map(lambda n: str(int(n)))
    require_unique(frame, [NUMBER], label, NUMBER)
    require_filled(frame, NAME, label)
    desired = {
        (number,): {"name": name[:200]}
        for number, name in zip(frame[NUMBER], frame[NAME], strict=True)
    }
    plan = sync_rows(
        model=SchoolBoard,
        key_fields=("number",),
        fields=("name",),
        desired=desired,
        existing=SchoolBoard.objects.values("pk", "number", "name"),
    )
    summary.added, summary.updated, summary.unchanged = (
        plan.added,
        plan.updated,
        plan.unchanged,
    )
    unnamed = SchoolBoard.objects.filter(name="").count()
    summary.notes.append(
        _("%(named)s VO-besturen met naam; %(unnamed)s besturen zonder naam (PO/SO).")
        % {"named": len(desired), "unnamed": unnamed}
    )
    return summary
