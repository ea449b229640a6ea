"""Duiden: stakeholder sessions with their attachments, and findings."""

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.uploads import check_upload, clean_display_name
from cycles.models import (
    SESSION_ATTACHMENT_UPLOAD,
    Cycle,
    Finding,
    SessionAttachment,
    StakeholderSession,
)
from cycles.services.common import (
    check_same_municipality,
    delete_row,
    lock_cycle,
    lock_row,
    require_editable,
)
from municipalities.audit import audit_context


@transaction.atomic
def session_save(
    *,
    cycle: Cycle,
    session: StakeholderSession | None = None,
    date: datetime.date,
    title: str,
    partners=(),
    schools=(),
    other_participants: str = "",
    minutes: str = "",
    decisions: str = "",
) -> StakeholderSession:
    require_editable(cycle, "session")
    check_same_municipality(cycle, "partners", partners)
    check_same_municipality(cycle, "schools", schools)
    session = session or StakeholderSession(municipality_id=cycle.municipality_id, cycle=cycle)
    session.date, session.title = date, title
    session.other_participants, session.minutes, session.decisions = (
        other_participants,
        minutes,
        decisions,
    )
    session.save()
    session.partners.set(partners)
    session.schools.set(schools)
    return session


def session_delete_check(*, cycle: Cycle, session: StakeholderSession) -> None:
    """Raise a Dutch ValidationError when the session may not be deleted now."""
    require_editable(cycle, "session")
    if session.cycle_id != cycle.pk:
        raise ValidationError(_("Deze sessie hoort niet bij deze cyclus."))


def session_delete(*, cycle: Cycle, session: StakeholderSession, user) -> None:
    """Delete a session with its attachments (the stored files go after the commit); findings
    that refer to it only lose the link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = lock_cycle(cycle)
        session = lock_row(StakeholderSession, session)
        session_delete_check(cycle=locked, session=session)
        files = [(a.file.storage, a.file.name) for a in session.attachments.all() if a.file]
        delete_row(session)
        for storage, name in files:
            # Only once the rows are gone for good; a failure is logged, not raised.
            transaction.on_commit(partial(storage.delete, name), robust=True)


def attachment_add(*, cycle: Cycle, session: StakeholderSession, file) -> SessionAttachment:
    """Check the file's real kind and size, then store it under a generated name."""
    require_editable(cycle, "session")
    kind = check_upload(file, policy=SESSION_ATTACHMENT_UPLOAD)
    name = clean_display_name(file.name, extension=kind.extension)
    file.name = f"bijlage{kind.extension}"  # the storage name is GeneratedName's, with this suffix
    return SessionAttachment.objects.create(
        municipality_id=cycle.municipality_id, session=session, file=file, name=name
    )


@transaction.atomic
def finding_save(
    *,
    cycle: Cycle,
    finding: Finding | None = None,
    theme: str,
    domain: str,
    target_group: str,
    evidence: str = "",
    priority: int | None = None,
    sessions=(),
) -> Finding:
    require_editable(cycle, "finding")
    for s in sessions or ():
        if s.cycle_id != cycle.pk:
            raise ValidationError({"sessions": _("Kies alleen sessies van deze cyclus.")})
    finding = finding or Finding(municipality_id=cycle.municipality_id, cycle=cycle)
    finding.theme, finding.domain, finding.target_group = theme, domain, target_group
    finding.evidence, finding.priority = evidence, priority
    finding.save()
    finding.sessions.set(sessions)
    return finding


def finding_delete_check(*, cycle: Cycle, finding: Finding) -> None:
    """Raise a Dutch ValidationError when the finding may not be deleted now."""
    require_editable(cycle, "finding")
    if finding.cycle_id != cycle.pk:
        raise ValidationError(_("Deze bevinding hoort niet bij deze cyclus."))


def finding_delete(*, cycle: Cycle, finding: Finding, user) -> None:
    """Delete a finding; goals that refer to it only lose the link."""
    with transaction.atomic(), audit_context(event="", actor=user):
        locked = lock_cycle(cycle)
        finding = lock_row(Finding, finding)
        finding_delete_check(cycle=locked, finding=finding)
        delete_row(finding)
