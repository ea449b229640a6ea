"""The NPO estimate: one selector for the amount a municipality got (or should have got) from the
Nationaal Programma Onderwijs, used by the budget pages, the demo data and scripts/check_figures.py.

DOMAIN.md: € 118,11 per pupil enrolled on 1 October 2020 at a PO or VO location in the
municipality, plus € 22,64 per unit of its onderwijsachterstandsscore. Pupils are DUO's: the PO
history (BO, SBO, SO, VSO) and the VO counts including the pupils placed with vavo, through the
shared pupil selectors (every location with pupils on that date, whatever its status today; a
DUO ``<5`` is never guessed and is named as left out). Locations count in the municipality DUO's
current files place them in, so a municipality that merged after 2020 includes its predecessors'
pupils; the predecessors are named from the merger table. No public table of the scores exists:
the OAB part counts only when an editor has entered the score (``Municipality.npo_oab_score``).

Where the municipality's NPO allocations come from a beschikking (not marked as estimate), their
total is what counts; the estimate stands beside it with the difference.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.figures import StreamBlock, budget_figures
from core.money import format_money, to_money
from core.npo import NPO_AMOUNT_PER_OAB_UNIT, NPO_AMOUNT_PER_PUPIL, NPO_PUPIL_COUNT_YEAR
from core.prepared import Prepared
from municipalities.models import Municipality
from schools.models import School
from schools.selectors import PupilFigures, PupilTotal, pupil_figures

NPO_STREAM_CODE = "npo-gemeenten"
PER_PUPIL = Decimal(NPO_AMOUNT_PER_PUPIL)
PER_OAB_UNIT = Decimal(NPO_AMOUNT_PER_OAB_UNIT)
PO_SECTORS = tuple(s for s in School.Sector.values if s != School.Sector.VO)
VO_SECTORS = (School.Sector.VO,)


def _number(value) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _dutch_list(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


@dataclass(frozen=True)
class Predecessor:
    name: str
    cbs_code: str
    merged_on: object  # datetime.date


@dataclass(frozen=True)
class NpoEstimate:
    """The estimate of one municipality, with what it includes and what it leaves out."""

    municipality_id: int
    year: int
    po: PupilTotal
    vo: PupilTotal
    vavo: int  # of vo.pupils: the pupils placed with vavo
    oab_score: Decimal | None
    predecessors: tuple[Predecessor, ...] = ()
    allocated: Decimal | None = None  # the beschikking total (allocations not marked estimate)
    estimated_allocations: Decimal | None = None  # allocations marked as estimate
    per_pupil: Decimal = field(default=PER_PUPIL)
    per_oab_unit: Decimal = field(default=PER_OAB_UNIT)

    @property
    def pupils(self) -> int:
        return self.po.pupils + self.vo.pupils

    @property
    def hidden(self) -> int:
        """Locations DUO publishes as <5 on the count date: not in ``pupils``."""
        return self.po.hidden + self.vo.hidden

    @property
    def pupil_part(self) -> Decimal:
        return to_money(self.per_pupil * self.pupils)

    @property
    def oab_part(self) -> Decimal | None:
        if self.oab_score is None or self.oab_score <= 0:
            return None
        return to_money(self.per_oab_unit * self.oab_score)

    @property
    def total(self) -> Decimal:
        return self.pupil_part + (self.oab_part or Decimal("0"))

    @property
    def has_allocation(self) -> bool:
        return self.allocated is not None

    @property
    def difference(self) -> Decimal | None:
        """Beschikking minus estimate (positive: the beschikking is higher)."""
        return None if self.allocated is None else self.allocated - self.total

    # --- Texts: every estimate says what it includes ----------------------------------------

    def source_text(self) -> str:
        return _(
            "Bron: DUO, 1 okt. %(year)s; bedragen: nponderwijs.nl, Financiering uit het NP "
            "Onderwijs voor gemeenten"
        ) % {"year": self.year}

    def includes_text(self) -> str:
        parts = [
            _(
                "%(pupils)s leerlingen op 1 oktober %(year)s: %(po)s in het primair onderwijs "
                "(incl. speciaal (basis)onderwijs en vso) en %(vo)s in het voortgezet onderwijs "
                "(incl. %(vavo)s uitbesteed aan vavo) × %(per_pupil)s = %(part)s"
            )
            % {
                "pupils": _number(self.pupils),
                "year": self.year,
                "po": _number(self.po.pupils),
                "vo": _number(self.vo.pupils),
                "vavo": _number(self.vavo),
                "per_pupil": format_money(self.per_pupil),
                "part": format_money(self.pupil_part),
            }
        ]
        if self.predecessors:
            parts.append(
                _("inclusief de leerlingen van %(names)s (heringedeeld)")
                % {"names": _dutch_list([p.name for p in self.predecessors])}
            )
        return "; ".join(parts) + "."

    def oab_text(self) -> str:
        if self.oab_part is None:
            return _(
                "OAB-deel (%(per_unit)s per punt onderwijsachterstandsscore): niet meegeteld: "
                "geen openbare scores."
            ) % {"per_unit": format_money(self.per_oab_unit)}
        return _(
            "OAB-deel: onderwijsachterstandsscore %(score)s (ingevoerd door de gemeente) × "
            "%(per_unit)s = %(part)s."
        ) % {
            "score": _number(self.oab_score),
            "per_unit": format_money(self.per_oab_unit),
            "part": format_money(self.oab_part),
        }

    def hidden_text(self) -> str:
        if not self.hidden:
            return ""
        return ngettext(
            "Exclusief %(n)s vestiging met <5 leerlingen (DUO noemt geen aantal).",
            "Exclusief %(n)s vestigingen met <5 leerlingen (DUO noemt geen aantal).",
            self.hidden,
        ) % {"n": self.hidden}

    def basis_text(self) -> str:
        """One paragraph: what the estimate is, includes and leaves out (stored with seeded
        allocations as their ``estimate_basis``)."""
        lines = [
            _("Schatting, geen beschikking: %(total)s.") % {"total": format_money(self.total)},
            self.includes_text(),
            self.oab_text(),
            self.hidden_text(),
            self.source_text() + ".",
        ]
        return " ".join(line for line in lines if line)


def npo_allocations(blocks: list[StreamBlock]) -> tuple[Decimal | None, Decimal | None]:
    """The NPO stream's allocations from the budget read (``budgets.figures``): the beschikking
    total (allocations not marked as estimate) and the allocations marked as estimate, each None
    when there is none, so the estimate never sums allocations a second way."""
    block = next((b for b in blocks if b.stream.code == NPO_STREAM_CODE), None)
    if block is None:
        return None, None
    decided = block.total.allocated - block.estimated if block.has_decided else None
    return decided, block.estimated if block.has_estimate else None


def _with_predecessors(municipalities: QuerySet[Municipality]) -> QuerySet[Municipality]:
    """The municipalities' OAB scores and predecessors in one read: a row per predecessor (by
    name), or one with ``predecessor_name`` None."""
    return (
        municipalities.only("pk", "npo_oab_score")
        .annotate(
            predecessor_name=F("predecessors__name"),
            predecessor_cbs_code=F("predecessors__cbs_code"),
            predecessor_merged_on=F("predecessors__merged_on"),
        )
        .order_by("pk", "predecessors__name")
    )


# One municipality's (every budget page and the dashboard): compiled once per process.
_with_predecessors_of = Prepared(
    lambda municipality_id: _with_predecessors(Municipality.objects.filter(pk=municipality_id)),
    municipality_id=0,
)


def _scores_and_predecessors(ids: list[int]) -> list[Municipality]:
    if len(ids) == 1:
        return _with_predecessors_of(municipality_id=ids[0])
    return list(_with_predecessors(Municipality.objects.filter(pk__in=ids)))


def npo_estimates(
    *,
    municipalities: Iterable[Municipality | int],
    with_allocations: bool = True,
    blocks: dict[int, list[StreamBlock]] | None = None,
    pupils: PupilFigures | None = None,
) -> dict[int, NpoEstimate]:
    """Per municipality id: its NPO estimate (a fixed number of queries for any number).

    The allocations beside it come from the budget read (``budgets.figures.budget_figures``):
    pass ``blocks`` (municipality id -> its stream blocks) when the page has read them already.
    The pupils come from ``schools.selectors.pupil_figures``: pass ``pupils`` when the page has
    read the municipalities' pupils already. A municipality without any pupils on the count date
    is absent.
    """
    ids = [m if isinstance(m, int) else m.pk for m in municipalities]
    year = NPO_PUPIL_COUNT_YEAR
    if pupils is None:
        pupils = pupil_figures(municipalities=ids, years=[year])
    # PO, VO and vavo pupils (schools.selectors.pupils_on's rule per group).
    counts = pupils.on(year, {"po": PO_SECTORS, "vo": VO_SECTORS}, vavo=True)
    po, vo, vavo = counts["po"], counts["vo"], counts["vavo"]
    if not po and not vo:
        return {}
    scores: dict[int, Decimal] = {}
    predecessors: dict[int, list[Predecessor]] = {}
    for row in _scores_and_predecessors([pk for pk in ids if pk in po or pk in vo]):
        if row.npo_oab_score is not None:
            scores[row.pk] = row.npo_oab_score
        if row.predecessor_name is not None:
            predecessors.setdefault(row.pk, []).append(
                Predecessor(
                    row.predecessor_name, row.predecessor_cbs_code, row.predecessor_merged_on
                )
            )
    if with_allocations and blocks is None:
        read = budget_figures(municipality_ids=[pk for pk in ids if pk in po or pk in vo])
        blocks = {pk: budget.blocks for pk, budget in read.items()}
    empty = PupilTotal(year, 0, 0, 0)
    result = {}
    for pk in ids:
        if pk not in po and pk not in vo:
            continue
        allocated, estimated = npo_allocations(blocks.get(pk, []) if with_allocations else [])
        result[pk] = NpoEstimate(
            municipality_id=pk,
            year=year,
            po=po.get(pk, empty),
            vo=vo.get(pk, empty),
            vavo=vavo.get(pk, 0),
            oab_score=scores.get(pk),
            predecessors=tuple(predecessors.get(pk, ())),
            allocated=allocated,
            estimated_allocations=estimated,
        )
    return result


def npo_estimate(
    *,
    municipality: Municipality,
    blocks: list[StreamBlock] | None = None,
    pupils: PupilFigures | None = None,
) -> NpoEstimate | None:
    """The municipality's NPO estimate, or None without pupil counts for the count date.
    ``blocks``: the municipality's budget read, ``pupils`` its pupil read with the NPO's count
    date (``schools.selectors.municipality_pupil_figures``), when the page has them."""
    given = None if blocks is None else {municipality.pk: blocks}
    return npo_estimates(municipalities=[municipality], blocks=given, pupils=pupils).get(
        municipality.pk
    )


def npo_oab_score_save(*, municipality: Municipality, score: Decimal | None) -> None:
    """Store the onderwijsachterstandsscore an editor entered (None clears it).

    A plain ``save``: the municipality is in the audit trail, so who changed the score from what
    to what lands in its Activiteitenlog.
    """
    municipality.npo_oab_score = score
    municipality.save(update_fields=["npo_oab_score"])
