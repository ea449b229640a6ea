"""Report jobs: one row per requested gemeentefoto or plan, kept forever as a version.

A job is created by the request that asks for it and built by a Celery task. The data it was built
from is frozen in ``snapshot`` (JSON), so the HTML view and the PDF of an old version always show
exactly what they showed on the day they were made, whatever happened to the live data since.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uploads import GeneratedName
from municipalities.models import Municipality, TenantModel, TenantQuerySet

# The close-out kinds: built per funding stream (and its window), downloaded from the final
# accounting workspace. The dossier is the ZIP for the accountant and the archive.
CLOSEOUT_KINDS = ("sisa", "eindverantwoording", "dossier")
# Download formats and their content types (the PDF lives in ``pdf``, the others in ``files``).
FILE_FORMATS = {
    "pdf": "application/pdf",
    # ODS first: the open standard government must accept.
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}


class ReportJobQuerySet(TenantQuerySet):
    def done(self) -> "ReportJobQuerySet":
        return self.filter(status=ReportJob.Status.DONE)


class ReportJob(TenantModel):
    class Kind(models.TextChoices):
        GEMEENTEFOTO = "gemeentefoto", _("Gemeentefoto")
        PLAN = "plan", _("Plan (gemeentelijke NPO-aanpak)")
        # The close-out outputs of one funding stream (``stream`` is set): the SiSa overview as
        # XLSX, ODS and CSV (in ``files``), and the final accounting PDF for the accountant.
        SISA = "sisa", _("SiSa-overzicht")
        FINAL_ACCOUNTING = "eindverantwoording", _("Eindverantwoording voor de accountant")
        # The ZIP of one municipality and window for the accountant or the archive (``options``
        # says which and whether school attachments are in it); stored in ``files["zip"]``.
        DOSSIER = "dossier", _("Dossier voor accountant en archief")
        # The college's raadsinformatiebrief evaluating a closed cycle (``cycle`` is set).
        COUNCIL = "raadsinformatiebrief", _("Raadsinformatiebrief (evaluatie)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("In de wachtrij")
        RUNNING = "running", _("Wordt gemaakt")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("gemeente"),
    )
    cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("cyclus"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    stream = models.ForeignKey(
        "budgets.FundingStream",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geldstroom"),
        help_text=_("Alleen voor de bestanden van de eindverantwoording."),
    )
    version = models.PositiveIntegerField(_("versie"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    progress_label = models.CharField(_("stap"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    queued_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    task_id = models.CharField(_("Celery-taak"), max_length=255, blank=True)
    # The lease of the worker building the job ("host:pid:thread"): renewed by its heartbeat while
    # it runs. A lease that expired, or whose process is gone, may be taken over
    # (reports.services.report_claim); the sweeper re-queues such jobs within a minute.
    lease_owner = models.CharField(_("bezet door"), max_length=255, blank=True)
    lease_expires_at = models.DateTimeField(_("bezet tot"), null=True, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    # Private storage (MEDIA_ROOT lies outside the web root and has no URL route): files are only
    # ever served by reports.views.report_pdf after an access check, named after ``filename``.
    pdf = models.FileField(
        _("PDF"), upload_to=GeneratedName("reports/{municipality.cbs_code}"), blank=True
    )
    pdf_size = models.PositiveIntegerField(_("grootte PDF (bytes)"), null=True, blank=True)
    # The spreadsheet files of a SiSa job, as {"xlsx": {"name": <storage name>, "size": n}, ...}:
    # private storage like the PDF, served only by reports.views_closeout.closeout_file.
    files = models.JSONField(_("bestanden"), default=dict, blank=True)
    snapshot = models.JSONField(_("momentopname van de gegevens"), null=True, blank=True)
    # What the requester chose for this job, e.g. for a dossier {"audience": "accountant",
    # "attachments": false}. Part of what makes two requests the same job.
    options = models.JSONField(_("keuzes"), default=dict, blank=True)
    published_at = models.DateTimeField(
        _("gepubliceerd op"),
        null=True,
        blank=True,
        help_text=_("Alleen voor het plan: gepubliceerde plannen kunnen scholen ook openen."),
    )

    objects = ReportJobQuerySet.as_manager()

    # The audit trail records who requested and published what; the frozen data and the
    # worker's bookkeeping would only bloat it.
    AUDIT_EXCLUDE_FIELDS = (
        "snapshot",
        "progress",
        "progress_label",
        "task_id",
        "pdf_size",
        "lease_owner",
        "lease_expires_at",
        "files",
    )

    class Meta:
        verbose_name = _("rapportage")
        verbose_name_plural = _("rapportages")
        ordering = ["-queued_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "kind", "-version"]),
            models.Index(fields=["status", "started_at"]),
        ]
        constraints = [
            # One version number per cycle and kind; jobs without a cycle count per municipality.
            models.UniqueConstraint(
                fields=["cycle", "kind", "version"],
                condition=Q(cycle__isnull=False),
                name="reportjob_version_per_cycle_kind",
            ),
            models.UniqueConstraint(
                fields=["municipality", "kind", "version"],
                condition=Q(cycle__isnull=True),
                name="reportjob_version_per_municipality_kind_without_cycle",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reportjob_progress_max_100"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=CLOSEOUT_KINDS) & Q(stream__isnull=False))
                | (~Q(kind__in=CLOSEOUT_KINDS) & Q(stream__isnull=True)),
                name="reportjob_stream_only_for_closeout",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(kind="plan"),
                name="reportjob_only_plans_are_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.municipality} v{self.version}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def restarted(self) -> bool:
        """Unfinished and started before: its worker died and the job was taken over or
        re-queued (the progress shows "opnieuw gestart" instead of a frozen bar)."""
        if self.is_finished:
            return False
        return self.attempts > (0 if self.status == self.Status.QUEUED else 1)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def title(self) -> str:
        if self.snapshot and self.snapshot.get("title"):
            return self.snapshot["title"]
        return f"{self.get_kind_display()} {self.municipality.name}"

    @property
    def is_closeout(self) -> bool:
        return self.kind in CLOSEOUT_KINDS

    @property
    def formats(self) -> list[str]:
        """The file formats this finished job can hand out, in display order."""
        if self.status != self.Status.DONE:
            return []
        found = ["pdf"] if self.pdf else []
        return found + [f for f in FILE_FORMATS if f != "pdf" and f in (self.files or {})]

    def filename_for(self, fmt: str) -> str:
        stream = f"-{self.stream.code}" if self.stream_id else ""
        return f"{self.kind}-{self.municipality.slug}{stream}-v{self.version}.{fmt}"

    @property
    def filename(self) -> str:
        return self.filename_for("pdf")
