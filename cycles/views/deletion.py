"""Deleting a session, finding, goal or activity, after a confirmation.

GET shows a confirmation page (what goes with it, what only loses the link), POST deletes and
redirects to the phase page with a message: works without JavaScript. The rules live in the
services (``<kind>_delete_check``), so a refusal shows on the confirmation page already.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import SET_NULL
from django.http import HttpResponse
from django.shortcuts import redirect, render

from cycles.views.common import page_url


def _count(model, n: int) -> str:
    """A number with the model's translated name, e.g. "2 bijlagen"."""
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


def linked_elsewhere(model, pks, municipality) -> list[tuple[type, int]]:
    """Rows of other apps (the budget) that point at these rows and only lose the link when they
    are deleted (SET_NULL or many-to-many). Read from the relations, so cycles imports nothing
    from the apps above it; counted within the municipality, through ``for_municipality``."""
    found = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        other = rel.related_model
        if other._meta.app_label == model._meta.app_label or other._meta.auto_created:
            continue
        if rel.many_to_many or getattr(rel, "on_delete", None) is SET_NULL:
            rows = other._default_manager.for_municipality(municipality)
            n = rows.filter(**{f"{rel.field.name}__in": pks}).distinct().count()
            found.append((other, n))
    return found


def delete_page(
    request,
    *,
    cycle,
    page: str,
    section: str,
    title: str,
    question: str,
    consequences,
    check,
    delete,
    done: str,
) -> HttpResponse:
    """The confirmation page (GET) or the delete itself (POST). ``consequences()`` returns two
    lists of (model, count): what is deleted with it, and what stays but loses the link."""
    back = page_url(cycle, page)
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect(f"{back}#{section}")
    try:
        check()
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    else:
        refusal = ""
    removed, unlinked = consequences() if not refusal else ([], [])
    return render(
        request,
        "cycles/confirm_delete.html",
        {
            "cycle": cycle,
            "title": title,
            "question": question,
            "refusal": refusal,
            "removed": [_count(model, n) for model, n in removed if n],
            "unlinked": [_count(model, n) for model, n in unlinked if n],
            "back": f"{back}#{section}",
        },
    )
