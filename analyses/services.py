"""Writes for school analyses: edit, submit, review, attachments, reminders and bulk intake.

Keyword-only arguments, named ``<thing>_<verb>``. Every change goes through ``save()`` so the
audit trail records it (status changes included: ``status: Ingediend → Geaccepteerd``). E-mails
leave once the transaction has committed, so a rolled-back change never announces itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from analyses import selectors as selectors
from analyses.intake import intake_parse
from analyses.models import (
    ATTACHMENT_UPLOAD,
    DOMAIN_FIELDS,
    AnalysisAttachment,
    AnalysisIntake,
    AnalysisNeed,
    AnalysisRemark,
    AnalysisReminder,
    AnalysisStatus,
    SchoolAnalysis,
)
from analyses.signals import analysis_mail
from core.mail import Mail, mail_queue_many, mail_render, recipient_languages
from core.uploads import check_upload, clean_display_name
from municipalities.models import Membership, Municipality, Role
from municipalities.versions import version_check
from schools.models import School

DOMAIN_FIELD_NAMES = [name for _d, delay, share in DOMAIN_FIELDS for name in (delay, share)]


def _link(site_url: str, name: str, municipality: Municipality, **kwargs) -> str:
    return site_url.rstrip("/") + reverse(
        name, kwargs={"municipality_slug": municipality.slug, **kwargs}
    )


def _mail(template: str, context: dict, recipients: list[str]) -> None:
    """One message per recipient (nobody sees the other addresses)."""
    _mail_many(template, [(context, address) for address in recipients])


def _mail_many(template: str, items: list[tuple[dict, str]]) -> None:
    """Queue one message per (context, address), each in its recipient's language; the worker
    sends them (core.mail). Addresses a receiver of ``analysis_mail`` took (notifications: the
    user's preference, unsubscribe link and bell) are not mailed here."""
    taken: set[str] = set()
    for _receiver, addresses in analysis_mail.send(sender=None, template=template, items=items):
        taken |= set(addresses or ())
    items = [(context, address) for context, address in items if address.lower() not in taken]
    if not items:
        return
    languages = recipient_languages(emails=[address for _context, address in items])
    mails = []
    for context, address in items:
        subject, text, html = mail_render(
            subject_template=f"analyses/email/{template}_subject.txt",
            text_template=f"analyses/email/{template}_body.txt",
            context=context,
            language=languages[address.lower()],
        )
        mails.append(
            Mail(to=address, subject=subject, text=text, html=html, kind=f"analysis_{template}")
        )
    mail_queue_many(mails=mails)


# --- Editing --------------------------------------------------------------------------------------


def analysis_start(*, membership: Membership, cycle) -> SchoolAnalysis:
    """The school user's analysis for ``cycle``, created as a draft the first time."""
    if membership.role != Role.SCHOOL or membership.school_id is None:
        raise ValidationError(_("Alleen een school kan haar eigen analyse invullen."))
    if cycle is None or not cycle.is_open:
        raise ValidationError(_("Er is geen open cyclus om een analyse voor in te vullen."))
    with transaction.atomic():
        analysis, _created = SchoolAnalysis.objects.get_or_create(
            school_id=membership.school_id,
            cycle=cycle,
            defaults={"municipality": membership.municipality},
        )
    return analysis


def _set_needs(*, analysis: SchoolAnalysis, needs: dict[str, str]) -> None:
    """Make the analysis's needs exactly ``needs`` ({category: explanation}), row by row (audited)."""
    existing = {n.category: n for n in analysis.needs.all()}
    for category, need in existing.items():
        if category not in needs:
            need.delete()
    for category, explanation in needs.items():
        need = existing.get(category)
        if need is None:
            AnalysisNeed.objects.create(
                municipality_id=analysis.municipality_id,
                analysis=analysis,
                category=category,
                explanation=explanation,
            )
        elif need.explanation != explanation:
            need.explanation = explanation
            need.save(update_fields=["explanation"])


def analysis_update(
    *,
    analysis: SchoolAnalysis,
    values: dict,
    interventions,
    needs: dict[str, str],
    own_budget: Decimal | None,
) -> SchoolAnalysis:
    """Save the school's answers. Only while the analysis is a draft or returned."""
    if not analysis.is_editable:
        raise ValidationError(_("Deze analyse is al ingediend en kan niet meer worden gewijzigd."))
    with transaction.atomic():
        locked = SchoolAnalysis.objects.select_for_update().get(pk=analysis.pk)
        if not locked.is_editable:
            raise ValidationError(
                _("Deze analyse is al ingediend en kan niet meer worden gewijzigd.")
            )
        for name in DOMAIN_FIELD_NAMES:
            if name in values:
                setattr(analysis, name, values[name])
        analysis.own_budget = own_budget
        analysis.full_clean(exclude=["municipality", "school", "cycle", "interventions"])
        analysis.save()
        analysis.interventions.set(list(interventions))
        _set_needs(analysis=analysis, needs=needs)
    return analysis


# --- Workflow -------------------------------------------------------------------------------------


def analysis_submit(*, analysis: SchoolAnalysis, user, site_url: str) -> SchoolAnalysis:
    """Draft → submitted, or returned → resubmitted; tells the officers and advisors."""
    with transaction.atomic(durable=True):
        analysis = (
            SchoolAnalysis.objects.select_for_update()
            .select_related("school", "cycle", "municipality")
            .get(pk=analysis.pk)
        )
        if not analysis.is_editable:
            raise ValidationError(_("Deze analyse is al ingediend."))
        missing = analysis.missing_for_submit()
        if missing:
            raise ValidationError(
                _("Vul eerst alles in voordat je indient. Nog nodig: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
        resubmission = analysis.status == AnalysisStatus.RETURNED
        analysis.status = AnalysisStatus.RESUBMITTED if resubmission else AnalysisStatus.SUBMITTED
        analysis.submitted_at = timezone.now()
        analysis.submitted_by = user
        analysis.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        context = {
            "analysis": analysis,
            "school": analysis.school,
            "municipality": analysis.municipality,
            "resubmission": resubmission,
            "submitter": user,
            "link": _link(
                site_url, "analyses:detail", analysis.municipality, analysis_pk=analysis.pk
            ),
        }
        recipients = [u.email for u in selectors.reviewers(municipality=analysis.municipality)]
        transaction.on_commit(lambda: _mail("submitted", context, recipients))
    return analysis


def _school_recipients(analysis: SchoolAnalysis) -> list[str]:
    users = selectors.school_users(schools=[analysis.school])
    return [u.email for u in users.get(analysis.school_id, [])]


def analysis_accept(
    *, analysis: SchoolAnalysis, user, site_url: str, comment: str = "", version: str | None = None
) -> SchoolAnalysis:
    """``comment`` (optional) is kept as a remark and goes to the school with the news.
    ``version``: what the reviewer looked at; a changed analysis raises EditConflict."""
    return _review(
        analysis=analysis,
        user=user,
        site_url=site_url,
        accept=True,
        comment=(comment or "").strip(),
        version=version,
    )


def analysis_return(
    *, analysis: SchoolAnalysis, user, comment: str, site_url: str, version: str | None = None
) -> SchoolAnalysis:
    """``version``: what the reviewer looked at; a changed analysis raises EditConflict."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Schrijf bij het terugsturen wat de school moet aanpassen.")}
        )
    return _review(
        analysis=analysis,
        user=user,
        site_url=site_url,
        accept=False,
        comment=comment,
        version=version,
    )


def _review(
    *, analysis, user, site_url: str, accept: bool, comment: str, version: str | None
) -> SchoolAnalysis:
    with transaction.atomic(durable=True):
        analysis = (
            SchoolAnalysis.objects.select_for_update()
            .select_related("school", "cycle", "municipality")
            .get(pk=analysis.pk)
        )
        version_check(analysis, version)
        if not analysis.is_reviewable:
            raise ValidationError(_("Deze analyse wacht niet op een beoordeling."))
        analysis.status = AnalysisStatus.ACCEPTED if accept else AnalysisStatus.RETURNED
        if not accept:
            analysis.review_comment = comment
        analysis.reviewed_at = timezone.now()
        analysis.reviewed_by = user
        analysis.save(
            update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"]
        )
        if comment:
            AnalysisRemark.objects.create(
                municipality_id=analysis.municipality_id,
                analysis=analysis,
                kind=AnalysisRemark.Kind.ACCEPT if accept else AnalysisRemark.Kind.RETURN,
                text=comment,
                author=user,
                written_at=analysis.reviewed_at,
            )
        context = {
            "analysis": analysis,
            "school": analysis.school,
            "municipality": analysis.municipality,
            "reviewer": user,
            "comment": comment,
            "link": _link(
                site_url, "analyses:detail", analysis.municipality, analysis_pk=analysis.pk
            ),
        }
        recipients = _school_recipients(analysis)
        template = "accepted" if accept else "returned"
        transaction.on_commit(lambda: _mail(template, context, recipients))
    return analysis


def remark_reply(*, analysis: SchoolAnalysis, user, text: str, site_url: str) -> AnalysisRemark:
    """The school answers the municipality's remark; the officers and advisors get the reply."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Schrijf je reactie op de opmerking van de gemeente.")})
    with transaction.atomic(durable=True):
        analysis = (
            SchoolAnalysis.objects.select_for_update()
            .select_related("school", "cycle", "municipality")
            .get(pk=analysis.pk)
        )
        if not analysis.remarks.exclude(kind=AnalysisRemark.Kind.REPLY).exists():
            raise ValidationError(
                _("De gemeente heeft nog geen opmerking gemaakt om op te reageren.")
            )
        remark = AnalysisRemark.objects.create(
            municipality_id=analysis.municipality_id,
            analysis=analysis,
            kind=AnalysisRemark.Kind.REPLY,
            text=text,
            author=user,
        )
        context = {
            "analysis": analysis,
            "school": analysis.school,
            "municipality": analysis.municipality,
            "author": user,
            "text": text,
            "link": _link(
                site_url, "analyses:detail", analysis.municipality, analysis_pk=analysis.pk
            ),
        }
        recipients = [u.email for u in selectors.reviewers(municipality=analysis.municipality)]
        transaction.on_commit(lambda: _mail("reply", context, recipients))
    return remark


# --- Attachments ----------------------------------------------------------------------------------


def attachment_add(*, analysis: SchoolAnalysis, upload, user) -> AnalysisAttachment:
    """Check the file's real type and size, then store it under a random name."""
    if not analysis.is_editable:
        raise ValidationError(_("Bij een ingediende analyse kun je geen bijlagen meer toevoegen."))
    document_type = check_upload(upload, policy=ATTACHMENT_UPLOAD)
    name = clean_display_name(upload.name, extension=document_type.extension)
    upload.seek(0)
    attachment = AnalysisAttachment(
        municipality_id=analysis.municipality_id,
        analysis=analysis,
        name=name,
        kind=document_type.kind,
        content_type=document_type.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    # The stored name is random (core.uploads.GeneratedName); only the extension is ours.
    attachment.file.save(f"upload{document_type.extension}", File(upload), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_delete(*, attachment: AnalysisAttachment) -> None:
    if not attachment.analysis.is_editable:
        raise ValidationError(_("Bij een ingediende analyse kun je geen bijlagen verwijderen."))
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))


# --- Reminders ------------------------------------------------------------------------------------


def reminders_send(*, municipality: Municipality, cycle, user, site_url: str) -> dict:
    """E-mail every user of every school without a received analysis; once a day per school.

    Returns counts: schools reminded, e-mails sent, schools skipped (reminded in the last day),
    schools without a user to write to.
    """
    if cycle is None:
        raise ValidationError(_("Er is geen open cyclus."))
    if cycle.analyses_waived:
        # The municipality waived the analyses for this cycle: no school has one to hand in.
        raise ValidationError(
            _("Voor deze cyclus zijn geen schoolanalyses nodig; er gaan geen herinneringen uit.")
        )
    due, skipped = selectors.schools_to_remind(municipality=municipality, cycle=cycle)
    users = selectors.school_users(schools=due)
    messages: list[tuple[School, list]] = [(s, users.get(s.pk, [])) for s in due]
    with_users = [(s, u) for s, u in messages if u]
    link = _link(site_url, "analyses:mine", municipality)
    now = timezone.now()
    with transaction.atomic(durable=True):
        for school, recipients in with_users:
            AnalysisReminder.objects.create(
                municipality=municipality,
                cycle=cycle,
                school=school,
                recipients=len(recipients),
                sent_by=user,
                sent_at=now,
            )

        def send() -> None:
            _mail_many(
                "reminder",
                [
                    (
                        {
                            "school": school,
                            "municipality": municipality,
                            "cycle": cycle,
                            "link": link,
                        },
                        u.email,
                    )
                    for school, recipients in with_users
                    for u in recipients
                ],
            )

        transaction.on_commit(send)
    return {
        "schools": len(with_users),
        "emails": sum(len(u) for _s, u in with_users),
        "skipped": len(skipped),
        "without_users": len(messages) - len(with_users),
    }


# --- Bulk intake ----------------------------------------------------------------------------------


def intake_upload(*, municipality: Municipality, cycle, upload, user) -> AnalysisIntake:
    """Parse and validate the file, then keep it and its parsed rows for the preview.

    A file that cannot be used at all (not an XLSX, damaged, a zip bomb, another municipality's
    template) raises ValidationError and nothing is stored.
    """
    if cycle is None or not cycle.is_open:
        raise ValidationError(_("Er is geen open cyclus om analyses voor in te lezen."))
    result = intake_parse(municipality=municipality, cycle=cycle, upload=upload)
    if not result.rows:
        raise ValidationError(
            _("Het bestand bevat geen ingevulde rijen. Vul per school minstens één waarde in.")
        )
    upload.seek(0)
    intake = AnalysisIntake(
        municipality=municipality,
        cycle=cycle,
        file_name=clean_display_name(upload.name, extension=".xlsx"),
        rows=[row.as_json() for row in result.rows],
        error_count=result.error_count,
        uploaded_by=user,
    )
    intake.file.save("intake.xlsx", ContentFile(upload.read()), save=False)
    intake.save()
    return intake


def intake_confirm(*, intake: AnalysisIntake, user) -> int:
    """Import the stored, validated rows: all of them or none. Returns the number imported."""
    with transaction.atomic():
        intake = (
            AnalysisIntake.objects.select_for_update().select_related("cycle").get(pk=intake.pk)
        )
        if intake.status != AnalysisIntake.Status.PREVIEW:
            raise ValidationError(_("Dit bestand is al ingelezen."))
        if intake.error_count:
            raise ValidationError(
                _("Het bestand bevat nog fouten. Verbeter ze en upload het opnieuw.")
            )
        if not intake.cycle.is_open:
            raise ValidationError(_("De cyclus van dit bestand is inmiddels afgesloten."))
        school_ids = [row["school_id"] for row in intake.rows]
        schools = School.objects.for_municipality(intake.municipality_id).in_bulk(school_ids)
        existing = {
            a.school_id: a
            for a in SchoolAnalysis.objects.for_municipality(intake.municipality_id)
            .filter(cycle=intake.cycle, school_id__in=school_ids)
            .select_for_update()
        }
        needs = {
            (n.analysis_id, n.category): n
            for n in AnalysisNeed.objects.filter(analysis__in=list(existing.values()))
        }
        now = timezone.now()
        for row in intake.rows:
            school = schools.get(row["school_id"])
            if school is None:
                raise ValidationError(
                    _("Rij %(row)s: de school hoort niet (meer) bij deze gemeente.")
                    % {"row": row["row"]}
                )
            analysis = existing.get(school.pk) or SchoolAnalysis(
                municipality_id=intake.municipality_id, school=school, cycle=intake.cycle
            )
            if analysis.status == AnalysisStatus.ACCEPTED:
                raise ValidationError(
                    _("Rij %(row)s: de analyse van %(school)s is intussen geaccepteerd.")
                    % {"row": row["row"], "school": school.name}
                )
            for name, value in row["values"].items():
                if name in DOMAIN_FIELD_NAMES:
                    setattr(analysis, name, value)
            if row["own_budget"] is not None:
                analysis.own_budget = Decimal(row["own_budget"])
            analysis.status = (
                AnalysisStatus.RESUBMITTED
                if analysis.status == AnalysisStatus.RETURNED
                else AnalysisStatus.SUBMITTED
            )
            analysis.submitted_at = now
            analysis.submitted_by = user
            analysis.imported = True
            analysis.save()
            for category, explanation in row["needs"].items():
                need = needs.get((analysis.pk, category))
                if need is None:
                    AnalysisNeed.objects.create(
                        municipality_id=intake.municipality_id,
                        analysis=analysis,
                        category=category,
                        explanation=explanation,
                    )
                elif need.explanation != explanation:
                    need.explanation = explanation
                    need.save(update_fields=["explanation"])
        intake.status = AnalysisIntake.Status.IMPORTED
        intake.imported_at = now
        intake.save(update_fields=["status", "imported_at"])
    return len(intake.rows)


# Previews never confirmed hold a copy of a school list's analyses; they go after a day.
INTAKE_PREVIEW_KEPT = datetime.timedelta(days=1)


@transaction.atomic
def intake_previews_remove(*, now: datetime.datetime | None = None) -> int:
    """Delete bulk-intake previews older than a day that were never confirmed, and their files
    (after the commit). Imported intakes stay: they are the record of an import. Returns how
    many previews went. Run daily by Celery beat (``analyses.sweep_intake_previews``)."""
    cutoff = (now or timezone.now()) - INTAKE_PREVIEW_KEPT
    # Locked, so a confirmation running now waits and then finds the preview gone.
    stale = list(
        AnalysisIntake.objects.select_for_update().filter(
            status=AnalysisIntake.Status.PREVIEW, created_at__lt=cutoff
        )
    )
    files = [(intake.file.storage, intake.file.name) for intake in stale if intake.file]
    AnalysisIntake.objects.filter(pk__in=[intake.pk for intake in stale]).delete()
    count = len(stale)
    for storage, name in files:
        transaction.on_commit(partial(storage.delete, name), robust=True)
    return count
