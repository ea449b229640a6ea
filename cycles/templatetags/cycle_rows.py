"""The cycle pages' template tags.

``{% starting_point_rows sp.goals %}``: the rows of the Data page's Vertrekpunt table (the
previous cycle's goals with their baseline, target, latest measurement and verdict), in Python.
The previous cycle's goals are not paged, and the template engine spent more on their rows
(three ``floatformat``s, the verdict's badge, lookups) than on the rest of the page. The markup is
the one the template's loop wrote (tests/cycles/test_cycle_rows.py compares them in Dutch and
English), every value escaped by ``format_html``, numbers by Django's ``floatformat``.
"""

from django import template
from django.template.defaultfilters import date, floatformat, truncatewords
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

ROW = (
    '\n      <tr class="utrecht-table__row">\n'
    '        <th scope="row" class="utrecht-table__header-cell">{title}{indicator}</th>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{baseline}</td>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{target}</td>\n'
    '        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{latest}</td>\n'
    '        <td class="utrecht-table__cell">{verdict}</td>\n'
    "      </tr>\n    "
)
BADGE = {"achieved": " utrecht-status-badge--success", "partly": " utrecht-status-badge--warning"}


def _value(value, unit: str, missing: str):
    """``{{ value|floatformat:"-2" }} {{ unit }}``, or ``missing`` without a value."""
    if value is None:
        return missing
    return format_html("{} {}", floatformat(value, "-2"), unit)


def _verdict(outcome):
    if not outcome:
        return _("geen oordeel vastgelegd")
    badge = format_html(
        '<span class="utrecht-status-badge{}">{}</span>',
        BADGE.get(outcome.result, " utrecht-status-badge--danger"),
        outcome.get_result_display(),
    )
    if not outcome.explanation:
        return badge
    return format_html(
        '{}<br><span class="hint">{}</span>', badge, truncatewords(outcome.explanation, 30)
    )


@register.simple_tag
def starting_point_rows(items) -> str:
    """``items``: ``starting_point(cycle)["goals"]`` (each a goal and its outcome or None)."""
    rows = []
    for item in items:
        goal = item["goal"]
        rows.append(
            format_html(
                ROW,
                title=goal.title,
                indicator=format_html('<br><span class="hint">{}</span>', goal.indicator)
                if goal.indicator
                else "",
                baseline=_value(goal.baseline, goal.unit, "—"),
                target=_value(goal.target_value, goal.unit, "—"),
                latest=_value(goal.latest_measurement, goal.unit, _("geen meting")),
                verdict=_verdict(item["outcome"]),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 — every row is format_html's


# --- Doen: the activities under a goal ----------------------------------------------------------
# ``{% activity_items goal can.progress can.activity %}``: the <li> of each of the goal's
# activities, as the template's loop wrote them (tests/cycles/test_cycle_rows.py): a page of goals
# holds all their activities, each with its updates, dates and links.

ACTIVITY = (
    '\n          <li id="activity-{pk}" class="item">'
    '\n            <h4 class="utrecht-heading-4 item__title">{title} <span class="utrecht-status-badge'
    ' status--{status}">{status_display}</span>{carried}</h4>'
    '\n            <p class="hint">{partner}{dates}{schools}</p>'
    "\n            \n              {updates}\n            "
    '\n            <p class="item__actions">\n              {progress_link}\n              {edit_links}'
    '\n            </p>\n            <div id="activity-{pk}-progress"></div>\n          </li>\n        '
)
LATEST = (
    "\n                \n                <p><strong>{label}</strong> ({date}): {narrative}{measured}</p>"
    "\n                \n                {history}\n              "
)
HISTORY = (
    "\n                  <details><summary>{summary}</summary>"
    "\n                    <ul>{items}</ul>\n                  </details>\n                "
)
PROGRESS_LINK = (
    '\n                <a href="{url}" hx-get="{url}" hx-target="#activity-{pk}-progress"'
    ' hx-swap="outerHTML" class="utrecht-link">{label}<span class="visually-hidden"> {title}'
    "</span></a>\n              "
)
EDIT_LINKS = (
    '\n                <a href="{edit_url}" hx-get="{edit_url}" hx-target="#activity-{pk}"'
    ' hx-swap="outerHTML" class="utrecht-link">{edit}<span class="visually-hidden"> {title}'
    '</span></a>\n                <a href="{delete_url}" class="utrecht-link">{delete}'
    '<span class="visually-hidden"> {activity} {title}</span></a>\n              '
)


def _updates(updates, unit: str):
    if not updates:
        return format_html(
            '\n                <p class="hint">{}</p>\n              ',
            _("Nog geen voortgangsupdate."),
        )
    latest = updates[0]
    history = ""
    if len(updates) > 1:
        summary = ngettext("%(n)s update", "Alle %(n)s updates", len(updates)) % {"n": len(updates)}
        items = (
            format_html(
                "<li>{} · {}{}: {}{}</li>",
                date(u.date, "j F Y"),
                u.get_status_display(),
                format_html(" · {}", _value(u.measured_value, unit, ""))
                if u.measured_value is not None
                else "",
                u.narrative,
                format_html(' <span class="hint">({})</span>', u.author) if u.author else "",
            )
            for u in updates
        )
        history = format_html(HISTORY, summary=mark_safe(summary), items=mark_safe("".join(items)))  # noqa: S308 — the text is a translation, the number an int, the items format_html's
    return format_html(
        LATEST,
        label=_("Laatste update"),
        date=date(latest.date, "j F Y"),
        narrative=latest.narrative,
        measured=""
        if latest.measured_value is None
        else format_html(
            ' <span class="utrecht-status-badge">{} {}</span>',
            _("meting"),
            _value(latest.measured_value, unit, ""),
        ),
        history=history,
    )


@register.simple_tag
def activity_items(goal, can_progress, can_activity) -> str:
    """``goal``: read ``with_progress(activities=True)``, its activities' links set
    (``views.common.row_urls``)."""
    items = []
    for a in goal.activity_list:
        dates = ""
        if a.start_date:
            dates = format_html(
                "{} – {}", date(a.start_date, "j N Y"), date(a.end_date, "j N Y") or "…"
            )
        items.append(
            format_html(
                ACTIVITY,
                pk=a.pk,
                title=a.title,
                status=a.status,
                status_display=a.get_status_display(),
                carried=format_html(
                    ' <span class="utrecht-status-badge">{}</span>', _("overgenomen")
                )
                if a.carried_over
                else "",
                partner=format_html("{} · ", a.executing_partner.name)
                if a.executing_partner
                else "",
                dates=dates,
                schools=format_html(" · {}", ", ".join(a.school_names)) if a.school_names else "",
                updates=_updates(a.update_list, goal.unit),
                progress_link=format_html(
                    PROGRESS_LINK,
                    url=a.progress_url,
                    pk=a.pk,
                    label=_("Voortgang toevoegen"),
                    title=a.title,
                )
                if can_progress
                else "",
                edit_links=format_html(
                    EDIT_LINKS,
                    edit_url=a.edit_url,
                    delete_url=a.delete_url,
                    pk=a.pk,
                    edit=_("Bewerken"),
                    delete=_("Verwijderen"),
                    activity=_("activiteit"),
                    title=a.title,
                )
                if can_activity
                else "",
            )
        )
    return mark_safe("".join(items))  # noqa: S308 — every item is format_html's


# --- Doelen and Doen: the SMART facts of a goal -------------------------------------------------
# ``{% goal_facts goal %}``: what cycles/_goal_facts.html writes (that template now calls this
# tag; tests/cycles/test_cycle_rows.py keeps its former markup as the reference): once per goal on
# both pages.

FACTS = (
    '\n<dl class="goal-facts">'
    "\n  <div><dt>{l_indicator}</dt><dd>{indicator}</dd></div>"
    "\n  <div><dt>{l_baseline}</dt><dd>{baseline}</dd></div>"
    "\n  <div><dt>{l_target}</dt><dd>{target}</dd></div>"
    "\n  <div><dt>{l_latest}</dt><dd>{latest}</dd></div>"
    "\n  <div><dt>{l_deadline}</dt><dd>{deadline}</dd></div>"
    "\n  <div><dt>{l_group}</dt><dd>{group}</dd></div>"
    "\n</dl>"
    "\n<p><strong>{l_category}</strong> {category}</p>"
    "\n{progress}\n{interventions}\n{partners}\n{schools}\n{findings}\n"
)
PROGRESS = (
    '\n  <p><strong>{label}</strong> {percent}% <progress class="progress progress--small"'
    ' max="100" value="{percent}" aria-label="{aria}">{percent}%</progress></p>\n'
)
INTERVENTIONS = (
    "\n  <p><strong>{label}</strong></p>"
    '\n  <ul class="interventions">{items}</ul>'
    '\n  <p class="source-note">{source}</p>\n'
)


@register.simple_tag
def goal_facts(goal) -> str:
    """``goal``: read ``with_progress(facts=True)``."""
    progress = ""
    if goal.progress_percent is not None:
        progress = format_html(
            PROGRESS,
            label=_("Voortgang:"),
            percent=goal.progress_percent,
            # As {% blocktranslate %}: the title escaped, the translation as it is.
            aria=mark_safe(_("Voortgang van %(t)s") % {"t": conditional_escape(goal.title)}),  # noqa: S308
        )
    interventions = ""
    if goal.intervention_list:
        items = (
            format_html("<li>{}. {} · {}</li>", i.area, i.name, i.rating_line())
            for i in goal.intervention_list
        )
        interventions = format_html(
            INTERVENTIONS,
            label=_("Interventies (NPO-menukaart):"),
            items=mark_safe("".join(items)),  # noqa: S308 — format_html's
            source=_(
                "Effect, bewijskracht en kosten: NPO-menukaart, data derived from the EEF "
                "Teaching and Learning Toolkit, Education Endowment Foundation."
            ),
        )
    lists = {
        "partners": format_html(
            "<p><strong>{}</strong> {}</p>",
            _("Verantwoordelijke partners:"),
            ", ".join(goal.partner_names),
        )
        if goal.partner_names
        else "",
        "schools": format_html(
            "<p><strong>{}</strong> {}</p>", _("Scholen:"), ", ".join(goal.school_names)
        )
        if goal.school_names
        else "",
        "findings": format_html(
            '<p class="hint">{} {}</p>', _("Komt voort uit:"), ", ".join(goal.finding_themes)
        )
        if goal.finding_themes
        else "",
    }
    return format_html(
        FACTS,
        l_indicator=_("Indicator"),
        indicator=goal.indicator or "—",
        l_baseline=_("Nulmeting"),
        baseline=_value(goal.baseline, goal.unit, "—"),
        l_target=_("Streefwaarde"),
        target=_value(goal.target_value, goal.unit, "—"),
        l_latest=_("Laatste meting"),
        latest=_value(goal.latest_measurement, goal.unit, "—"),
        l_deadline=_("Deadline"),
        deadline=date(goal.deadline, "j F Y") or "—",
        l_group=_("Doelgroep"),
        group=goal.get_target_group_display() or "—",
        l_category=_("Bestedingsdoel:"),
        category=goal.get_spending_category_display() or "—",
        progress=progress,
        interventions=interventions,
        **lists,
    )
