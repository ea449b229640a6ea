"""Load every reference dataset from a folder (the shipped ``reference_data/``) in one transaction.

A dataset whose files have the same SHA-256 as at its last successful load is skipped, so a
second ``make run`` takes a moment and says so. ``force`` compares everything again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from core.text import excerpt
from municipalities import pagecache
from schools.importers.base import ReferenceDataError, Summary, files_sha256, reading_once
from schools.importers.datasets.boards import load_board_names
from schools.importers.datasets.interventions import load_interventions
from schools.importers.datasets.municipalities import (
    load_former_municipalities,
    load_municipalities,
)
from schools.importers.datasets.pupil_counts import load_pupil_counts
from schools.importers.datasets.school_weights import load_school_weights
from schools.importers.datasets.schools import load_schools
from schools.models import ReferenceImport

# Bump when an importer changes how it maps files to rows: the next load then re-compares.
IMPORTER_VERSION = "2"

DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "reference_data"
VO_PUPIL_YEARS = range(2017, 2023)  # DUO's VO pupils per location: 1 October 2017–2022
VO_PUPIL_KEYS = tuple(f"vo_pupils_{year}" for year in VO_PUPIL_YEARS)
FILE_NAME_MAX = ReferenceImport._meta.get_field("file_name").max_length

DEFAULT_FILES = {
    "municipalities": "cbs-gemeenten-2023.csv",
    "inhabitants": "cbs-inwoners-gemeenten-2026.csv",
    "older_inhabitants": "gemeenten-inwoners.csv",
    "division_2021": "cbs-gemeenten-2021.csv",
    "mergers": "cbs-herindelingen-2021-2023.csv",
    "bo": "duo-vestigingen-bo.csv",
    "vo": "duo-vestigingen-vo.csv",
    "boards": "duo-bevoegde-gezagen-vo.csv",
    "history": "duo-leerlingen-po-historisch.csv",
    **{f"vo_pupils_{year}": f"duo-leerlingen-vo-{year}.csv" for year in VO_PUPIL_YEARS},
    "weights": "inspectie-schoolweging.csv",
    "menukaart": "npo-menukaart.csv",
}


@dataclass(frozen=True)
class Step:
    dataset: str
    label: str
    files: tuple[str, ...]
    run: Callable[..., list[Summary]]


def _municipalities(paths, progress):
    return [
        load_municipalities(
            cbs_path=paths["municipalities"],
            inhabitants_path=paths["inhabitants"],
            older_inhabitants_path=paths["older_inhabitants"],
        )
    ]


def _former_municipalities(paths, progress):
    return [
        load_former_municipalities(
            division_2021_path=paths["division_2021"], mergers_path=paths["mergers"]
        )
    ]


def _schools(paths, progress):
    return list(
        load_schools(
            bo_path=paths["bo"],
            vo_path=paths["vo"],
            history_path=paths["history"],
            vo_pupil_paths=[paths[key] for key in VO_PUPIL_KEYS],
        )
    )


def _boards(paths, progress):
    return [load_board_names(boards_path=paths["boards"])]


def _pupils(paths, progress):
    return [
        load_pupil_counts(
            history_path=paths["history"],
            vo_pupil_paths=[paths[key] for key in VO_PUPIL_KEYS],
            progress=progress,
        )
    ]


def _weights(paths, progress):
    return [load_school_weights(weights_path=paths["weights"])]


def _menukaart(paths, progress):
    return [load_interventions(menukaart_path=paths["menukaart"])]


# Lower layers first: schools need municipalities (and, for closed VO locations, the merger
# table), pupil counts and weights need schools.
STEPS = [
    Step(
        "municipalities",
        _("Gemeenten"),
        ("municipalities", "inhabitants", "older_inhabitants"),
        _municipalities,
    ),
    Step(
        "former_municipalities",
        _("Herindelingen 2021–2023"),
        ("division_2021", "mergers"),
        _former_municipalities,
    ),
    Step(
        "schools",
        _("Schoolbesturen en -vestigingen"),
        ("bo", "vo", "history", *VO_PUPIL_KEYS),
        _schools,
    ),
    Step("board_names", _("Namen schoolbesturen (VO)"), ("boards",), _boards),
    Step("pupil_counts", _("Leerlingaantallen"), ("history", *VO_PUPIL_KEYS), _pupils),
    Step("school_weights", _("Schoolwegingen"), ("weights",), _weights),
    Step("interventions", _("NPO-menukaart"), ("menukaart",), _menukaart),
]
DATASETS = [step.dataset for step in STEPS]


def resolve_paths(directory: Path | None = None, overrides: dict | None = None) -> dict[str, Path]:
    # A setting (not an env-only path) so tests and deployments can point elsewhere.
    directory = Path(
        directory or getattr(settings, "REFERENCE_DATA_DIR", None) or DEFAULT_DIRECTORY
    )
    paths = {key: directory / name for key, name in DEFAULT_FILES.items()}
    paths.update({k: Path(v) for k, v in (overrides or {}).items() if v})
    return paths


def reference_data_load(
    *,
    directory: Path | None = None,
    files: dict | None = None,
    only: list[str] | None = None,
    force: bool = False,
    progress_file=None,
) -> list[Summary]:
    """Load the reference datasets; all or nothing. Raises ReferenceDataError (Dutch)."""
    paths = resolve_paths(directory, files)
    steps = [s for s in STEPS if not only or s.dataset in only]
    for step in steps:
        for key in step.files:
            if not paths[key].is_file():
                raise ReferenceDataError(f"{paths[key]}: bestand niet gevonden.")
    summaries: list[Summary] = []
    done = {r.dataset: r for r in ReferenceImport.objects.filter(dataset__in=DATASETS)}
    bar = tqdm(
        total=len(steps), desc="Referentiegegevens", unit="stap", file=progress_file, disable=None
    )
    with transaction.atomic(), reading_once():
        for step in steps:
            bar.set_postfix_str(step.dataset)
            step_paths = [paths[key] for key in step.files]
            sha = files_sha256(step_paths, salt=IMPORTER_VERSION)
            previous = done.get(step.dataset)
            if previous and previous.sha256 == sha and not force:
                summaries.append(Summary(str(step.label), skipped=True))
                bar.update(1)
                continue
            step_summaries = step.run(paths, None)
            summaries.extend(step_summaries)
            ReferenceImport.objects.update_or_create(
                dataset=step.dataset,
                defaults={
                    # Six published VO files' names pass the column's 255 characters.
                    "file_name": excerpt(", ".join(p.name for p in step_paths), FILE_NAME_MAX),
                    "sha256": sha,
                    "loaded_at": timezone.now(),
                    "summary": {s.dataset: s.as_dict() for s in step_summaries},
                },
            )
            bar.update(1)
    bar.close()
    # The steps write with raw SQL too: retire every cached page that shows reference data.
    pagecache.changed(reference=True)
    return summaries
