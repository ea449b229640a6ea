"""No hidden count of schools can be worked back, for all 342 municipalities at once.

The shipped reference data (every municipality and school location in ``reference_data/``) gets
an open cycle per municipality and an analysis for most active school locations, drawn like the
demo's (``analyses.demo._values``) with a random generator seeded per vestigingscode, and with
the share of schools that hand in varied per municipality so that there are many small tables.
Then everything the product shows one user who sees it all (an advisor of every municipality)
is read through the product's own code: the number received (dashboard panel), the gemeentefoto
snapshot's analyses section, and the portfolio comparison of all 342 together.

The check is independent of ``core.suppression``: for every hidden cell it enumerates the
integer values a reader could give it, knowing every shown number, that ``<5`` is 1–4, that
``x`` is 0 or at least 5, that a domain's delays (none, small, large, left empty) add up to the
number received and that no count exceeds it; at least two values must remain. It also checks
the figures against the analyses themselves and that the same cells are hidden on every page.
"""

import random
from itertools import product
from pathlib import Path
from types import SimpleNamespace

import pytest
from auditlog.context import disable_auditlog
from django.conf import settings

from analyses.demo import _values
from analyses.models import DOMAIN_FIELDS, AnalysisNeed, AnalysisStatus, SchoolAnalysis
from analyses.panels import analyses_panel
from core.npo import SpendingCategory
from cycles.models import Cycle, Phase
from municipalities.models import Municipality, Role
from portfolio.comparisons import chosen_interventions, large_delays
from reports.snapshot.analyses import analyses_section
from schools.importers.loader import reference_data_load
from schools.models import Intervention, School

pytestmark = pytest.mark.django_db

REFERENCE = Path(settings.BASE_DIR) / "reference_data"
HAND_IN = (0.02, 0.1, 0.3, 0.6, 0.9, 1.0)  # share of schools that hand in, per municipality


def _generate() -> None:
    municipalities = list(Municipality.objects.order_by("cbs_code"))
    Cycle.objects.bulk_create(
        Cycle(
            municipality=m,
            title="NPO 2025-2026",
            start_date="2025-08-01",
            end_date="2026-07-31",
            phase=Phase.DUIDEN,
        )
        for m in municipalities
    )
    cycles = {c.municipality_id: c for c in Cycle.objects.all()}
    # A small pool, so that counts per intervention range from 1 to well over 5.
    pool = list(Intervention.objects.order_by("pk")[:12])
    hand_in = {m.pk: random.Random(m.cbs_code).choice(HAND_IN) for m in municipalities}
    # In a third of the municipalities every school but one sees a large delay in rekenen: the
    # one small delay then sits next to a large count that would give it back (complements).
    skewed = {m.pk for m in municipalities if random.Random(m.cbs_code).random() < 1 / 3}
    analyses, chosen, needs, seen = [], [], [], set()
    for school in School.objects.active().order_by("vestigingscode"):
        rng = random.Random(f"suppression-{school.vestigingscode}")
        if rng.random() >= hand_in[school.municipality_id]:
            continue
        values = _values(rng)
        if school.municipality_id in skewed:
            values["delay_rekenen"] = "groot" if school.municipality_id in seen else "klein"
            seen.add(school.municipality_id)
        for _domain, delay_name, _share in DOMAIN_FIELDS:
            if rng.random() < 0.04 and delay_name != "delay_rekenen":
                values[delay_name] = ""  # left empty: part of the total, never shown
        analyses.append(
            SchoolAnalysis(
                municipality_id=school.municipality_id,
                school=school,
                cycle=cycles[school.municipality_id],
                status=rng.choice([AnalysisStatus.SUBMITTED, AnalysisStatus.ACCEPTED]),
                **values,
            )
        )
        chosen.append(rng.sample(pool, k=rng.randint(0, 3)))
        needs.append(rng.sample(list(SpendingCategory), k=rng.randint(0, 2)))
    with disable_auditlog():
        SchoolAnalysis.objects.bulk_create(analyses)
        through = SchoolAnalysis.interventions.through
        through.objects.bulk_create(
            through(schoolanalysis_id=a.pk, intervention_id=i.pk)
            for a, items in zip(analyses, chosen, strict=True)
            for i in items
        )
        AnalysisNeed.objects.bulk_create(
            AnalysisNeed(municipality_id=a.municipality_id, analysis=a, category=c, explanation="-")
            for a, categories in zip(analyses, needs, strict=True)
            for c in categories
        )


def _truth() -> dict:
    """Exact counts per municipality, straight from the rows (not through analyses.figures)."""
    truth: dict = {}
    delay_names = [d for _domain, d, _s in DOMAIN_FIELDS]
    for row in SchoolAnalysis.objects.values("pk", "municipality_id", *delay_names):
        t = truth.setdefault(row["municipality_id"], {"n": 0, "delay": {}, "int": {}, "need": {}})
        t["n"] += 1
        for domain, delay_name, _share in DOMAIN_FIELDS:
            key = (domain.value, row[delay_name] or "leeg")
            t["delay"][key] = t["delay"].get(key, 0) + 1
    through = SchoolAnalysis.interventions.through
    for m, i in through.objects.values_list("schoolanalysis__municipality_id", "intervention_id"):
        truth[m]["int"][i] = truth[m]["int"].get(i, 0) + 1
    for m, c in AnalysisNeed.objects.values_list("municipality_id", "category"):
        truth[m]["need"][c] = truth[m]["need"].get(c, 0) + 1
    return truth


def _domain(shown, cap: int) -> list[int]:
    """The values a reader gives a cell shown as ``shown``."""
    if shown == "<5":
        return list(range(1, min(4, cap) + 1))
    if shown == "x":
        return [0, *range(5, cap + 1)]
    return [shown]


def _possible(cells: dict, target, received: int) -> set[int]:
    """Values of ``target`` for which the other cells of a domain can still add up: the shown
    small and large delays plus the never-shown rest (none, empty: anything >= 0) = received."""
    others = [_domain(v, received) for k, v in cells.items() if k != target]
    found = set()
    for value in _domain(cells[target], received):
        if any(value + sum(combo) <= received for combo in product(*others)):
            found.add(value)
    return found


def test_no_hidden_count_of_schools_can_be_worked_back_anywhere():
    reference_data_load(
        directory=REFERENCE,
        only=["municipalities", "former_municipalities", "schools", "interventions"],
    )
    _generate()
    truth = _truth()
    municipalities = list(Municipality.objects.order_by("name"))
    assert len(municipalities) == 342
    cycles = {c.municipality_id: c for c in Cycle.objects.all()}
    delays = large_delays(municipalities=municipalities)
    columns = [code for code, _label in delays.columns]
    portfolio_delays = {row.municipality.pk: row.cells for row in delays.rows}
    top = chosen_interventions(municipalities=municipalities)
    names = {i.pk: f"{i.area}. {i.name}" for i in Intervention.objects.all()}
    labels = {str(c.label): c.value for c in SpendingCategory}
    reader = SimpleNamespace(role=Role.VIEWER)

    hidden = complements = withheld = checked = 0
    problems: list[str] = []
    for m in municipalities:
        t = truth.get(m.pk, {"n": 0, "delay": {}, "int": {}, "need": {}})
        received = analyses_panel(municipality=m, membership=reader)["received"]
        assert received == t["n"], m.name
        section = analyses_section(m, cycles[m.pk])
        if not received:
            assert not section["available"]
            continue
        assert section["submitted"] == received  # the marginal, shown exactly everywhere
        shown: dict = {}  # (kind, key) -> value as shown: the same on every page
        if section["withheld"]:
            withheld += 1
            assert received < 5 and not (section["domains"] or section["interventions"])
            assert not section["needs"]
        for d in section["domains"]:
            shown[("delay", d["domain"], "klein")] = d["small"]
            shown[("delay", d["domain"], "groot")] = d["large"]
        for item in section["interventions"]:
            pk = next(pk for pk, name in names.items() if name == item["name"])
            shown[("int", pk)] = item["schools"]
        for text in section["needs"]:
            label, _sep, count = text.rpartition(": ")
            value = count.split(" ")[0]
            shown[("need", labels[label])] = value if value in ("<5", "x") else int(value)
        # The portfolio: a large-delay share is a count (share x received / 100).
        for code, cell in zip(columns, portfolio_delays[m.pk], strict=True):
            value = cell.hidden if cell.value is None else round(cell.value * received / 100)
            key = ("delay", code, "groot")
            if section["withheld"]:
                assert value == "–"
            elif shown[key] != value:
                problems.append(f"{m.name} {key}: gemeentefoto {shown[key]}, portfolio {value}")
        for row in top:
            cell = row.cells[municipalities.index(m)]
            value = cell.hidden if cell.value is None else round(cell.value * received / 100)
            key = ("int", row.intervention.pk)
            if section["withheld"]:
                assert value == "–"
            elif shown.setdefault(key, value) != value:
                problems.append(f"{m.name} {key}: gemeentefoto {shown[key]}, portfolio {value}")

        # Shown values are the truth; <5 only for 1-4; no 1-4 shown.
        for key, value in shown.items():
            kind, *rest = key
            exact = t[kind].get(tuple(rest) if kind == "delay" else rest[0], 0)
            checked += 1
            if value == "<5":
                hidden += 1
                assert 1 <= exact <= 4, (m.name, key, exact)
            elif value == "x":
                complements += 1
                assert not 1 <= exact <= 4, (m.name, key, exact)
            else:
                assert value == exact, (m.name, key, value, exact)
        # Every hidden cell keeps at least two possible values.
        for d in section["domains"]:
            cells = {k: shown[("delay", d["domain"], k)] for k in ("klein", "groot")}
            for k, value in cells.items():
                if value in ("<5", "x") and len(_possible(cells, k, received)) < 2:
                    problems.append(f"{m.name} {d['domain']}/{k}: afleidbaar uit {cells}")
        for key, value in shown.items():
            if key[0] != "delay" and value == "<5" and len(_domain(value, received)) < 2:
                problems.append(f"{m.name} {key}: afleidbaar (ten hoogste {received})")

    # The portfolio total of an intervention counts only shown cells: no hidden one inside it.
    for row in top:
        counted = [
            round(c.value * truth[m.pk]["n"] / 100)
            for m, c in zip(municipalities, row.cells, strict=True)
            if c.value is not None
        ]
        assert row.schools == sum(counted)
        assert row.hidden_municipalities == sum(1 for c in row.cells if c.hidden)
    # And the portfolio averages are over shown cells only.
    for index, average in enumerate(delays.averages):
        values = [
            r.cells[index].exact_value for r in delays.rows if r.cells[index].value is not None
        ]
        if values:
            assert abs(average - sum(values) / len(values)) < 0.01

    assert problems == []
    # The data really exercises the rule (so this test can fail).
    assert hidden > 500 and complements >= 10 and withheld >= 10, (hidden, complements, withheld)
    print(
        f"suppression: 342 gemeenten, {checked} getoonde cellen, {hidden} <5, "
        f"{complements} x, {withheld} zonder uitsplitsing, 0 afleidbaar"
    )
