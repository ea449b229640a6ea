"""{% starting_point_rows %}: the Data page's Vertrekpunt rows, written in Python, are the markup
the template loop wrote (kept here as the reference) for every kind of row, in Dutch and English."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from cycles.models import Activity, Goal, GoalOutcome, ProgressUpdate
from municipalities.models import User
from schools.models import Intervention, PartnerOrganisation
from tests.reference_markup import assert_same_markup

# The rows as data.html wrote them before the tag.
TEMPLATE_ROWS = """{% load i18n %}    {% for item in sp.goals %}{% with goal=item.goal %}
      <tr class="utrecht-table__row">
        <th scope="row" class="utrecht-table__header-cell">{{ goal.title }}{% if goal.indicator %}<br><span class="hint">{{ goal.indicator }}</span>{% endif %}</th>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if goal.baseline is not None %}{{ goal.baseline|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</td>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if goal.target_value is not None %}{{ goal.target_value|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</td>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-data">{% if goal.latest_measurement is not None %}{{ goal.latest_measurement|floatformat:"-2" }} {{ goal.unit }}{% else %}{% translate "geen meting" %}{% endif %}</td>
        <td class="utrecht-table__cell">{% if item.outcome %}<span class="utrecht-status-badge{% if item.outcome.result == 'achieved' %} utrecht-status-badge--success{% elif item.outcome.result == 'partly' %} utrecht-status-badge--warning{% else %} utrecht-status-badge--danger{% endif %}">{{ item.outcome.get_result_display }}</span>{% if item.outcome.explanation %}<br><span class="hint">{{ item.outcome.explanation|truncatewords:30 }}</span>{% endif %}{% else %}{% translate "geen oordeel vastgelegd" %}{% endif %}</td>
      </tr>
    {% endwith %}{% endfor %}"""


def item(outcome=None, **values):
    defaults = {
        "pk": 7,
        "title": "Lezen & <rekenen>",
        "indicator": "",
        "baseline": Decimal("50.00"),
        "target_value": Decimal("62.50"),
        "unit": "%",
    }
    latest = values.pop("latest_measurement", Decimal("57.25"))
    defaults.update(values)
    goal = Goal(**defaults)
    goal.latest_measurement = latest
    return {"goal": goal, "outcome": outcome}


LONG = " ".join(f"woord{i} <b>&" for i in range(40))
ITEMS = [
    item(),
    item(indicator='Aandeel 1F "begrijpend" lezen', unit="leerlingen & ouders"),
    item(baseline=None, target_value=None, latest_measurement=None, unit=""),
    item(
        baseline=Decimal("-3"),
        target_value=Decimal("1234567.10"),
        latest_measurement=Decimal("0"),
        outcome=GoalOutcome(result="achieved", explanation=""),
    ),
    item(outcome=GoalOutcome(result="partly", explanation="Deels, <zie> verslag & bijlage")),
    item(outcome=GoalOutcome(result="not_achieved", explanation=LONG)),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_rows_are_the_templates(language):
    context = {"sp": {"goals": ITEMS}}
    tag = "{% load cycle_rows %}    {% starting_point_rows sp.goals %}"
    expected = assert_same_markup(TEMPLATE_ROWS, tag, context, language)
    assert expected.count("<tr") == len(ITEMS)


# --- Doen's activities --------------------------------------------------------------------------

# The activities as doen.html wrote them before the tag.
TEMPLATE_ACTIVITIES = """{% load i18n %}        {% for a in goal.activity_list %}
          <li id="activity-{{ a.pk }}" class="item">
            <h4 class="utrecht-heading-4 item__title">{{ a.title }} <span class="utrecht-status-badge status--{{ a.status }}">{{ a.get_status_display }}</span>{% if a.carried_over %} <span class="utrecht-status-badge">{% translate "overgenomen" %}</span>{% endif %}</h4>
            <p class="hint">{% if a.executing_partner %}{{ a.executing_partner.name }} · {% endif %}{% if a.start_date %}{{ a.start_date|date:"j N Y" }} – {{ a.end_date|date:"j N Y"|default:"…" }}{% endif %}{% if a.school_names %} · {{ a.school_names|join:", " }}{% endif %}</p>
            {% with updates=a.update_list %}
              {% if updates %}
                {% with latest=updates.0 %}
                <p><strong>{% translate "Laatste update" %}</strong> ({{ latest.date|date:"j F Y" }}): {{ latest.narrative }}{% if latest.measured_value is not None %} <span class="utrecht-status-badge">{% translate "meting" %} {{ latest.measured_value|floatformat:"-2" }} {{ goal.unit }}</span>{% endif %}</p>
                {% endwith %}
                {% if updates|length > 1 %}
                  <details><summary>{% blocktranslate count n=updates|length %}{{ n }} update{% plural %}Alle {{ n }} updates{% endblocktranslate %}</summary>
                    <ul>{% for u in updates %}<li>{{ u.date|date:"j F Y" }} · {{ u.get_status_display }}{% if u.measured_value is not None %} · {{ u.measured_value|floatformat:"-2" }} {{ goal.unit }}{% endif %}: {{ u.narrative }}{% if u.author %} <span class="hint">({{ u.author }})</span>{% endif %}</li>{% endfor %}</ul>
                  </details>
                {% endif %}
              {% else %}
                <p class="hint">{% translate "Nog geen voortgangsupdate." %}</p>
              {% endif %}
            {% endwith %}
            <p class="item__actions">
              {% if can.progress %}
                <a href="{{ a.progress_url }}" hx-get="{{ a.progress_url }}" hx-target="#activity-{{ a.pk }}-progress" hx-swap="outerHTML" class="utrecht-link">{% translate "Voortgang toevoegen" %}<span class="visually-hidden"> {{ a.title }}</span></a>
              {% endif %}
              {% if can.activity %}
                <a href="{{ a.edit_url }}" hx-get="{{ a.edit_url }}" hx-target="#activity-{{ a.pk }}" hx-swap="outerHTML" class="utrecht-link">{% translate "Bewerken" %}<span class="visually-hidden"> {{ a.title }}</span></a>
                <a href="{{ a.delete_url }}" class="utrecht-link">{% translate "Verwijderen" %}<span class="visually-hidden"> {% translate "activiteit" %} {{ a.title }}</span></a>
              {% endif %}
            </p>
            <div id="activity-{{ a.pk }}-progress"></div>
          </li>
        {% endfor %}"""


def update(day, **values):
    defaults = {"narrative": "Gestart op <4> scholen & meer", "status": "running"}
    defaults.update(values)
    return ProgressUpdate(date=datetime.date(2025, 3, day), **defaults)


def activity(pk, updates=(), **values):
    defaults = {"title": f"Zomerschool <{pk}> & co", "status": "running"}
    defaults.update(values)
    schools = defaults.pop("school_names", [])
    instance = Activity(pk=pk, **defaults)
    instance.school_names = schools
    instance.update_list = list(updates)
    for name in ("progress_url", "edit_url", "delete_url"):
        instance.__dict__[name] = f"/g/utrecht/cycli/4/{name}/{pk}/?a=1&b=2"
    return instance


AUTHOR = User(email="beleid@utrecht.demo", display_name="Anne <Beleid>")
ACTIVITIES = [
    activity(1),
    activity(
        2,
        carried_over=True,
        status="done",
        executing_partner=PartnerOrganisation(name="Stichting <Lezen> & Zo"),
        start_date=datetime.date(2025, 1, 6),
        end_date=None,
        school_names=["De Linde & Co", "<Het> Anker"],
        updates=[update(5, measured_value=Decimal("67.50"), author=AUTHOR)],
    ),
    activity(
        3,
        status="planned",
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 7, 31),
        updates=[
            update(20, measured_value=Decimal("70"), author=None),
            update(12, measured_value=None, author=AUTHOR, status="delayed"),
            update(1, measured_value=Decimal("-1.25")),
        ],
    ),
    activity(4, updates=[update(2), update(1, narrative="")]),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("progress", "edit"), [(True, True), (False, False), (True, False)])
def test_activities_are_the_templates(language, progress, edit):
    goal = Goal(pk=9, unit="% & <x>")
    goal.activity_list = ACTIVITIES
    context = {"goal": goal, "can": {"progress": progress, "activity": edit}}
    tag = "{% load cycle_rows %}        {% activity_items goal can.progress can.activity %}"
    expected = assert_same_markup(TEMPLATE_ACTIVITIES, tag, context, language)
    assert expected.count('class="item"') == len(ACTIVITIES)


# --- A goal's facts -----------------------------------------------------------------------------

# cycles/_goal_facts.html as it was before the tag.
TEMPLATE_FACTS = """{% load i18n %}{# The SMART facts of one goal. Needs: goal, read by cycles.selectors.with_progress(facts=True). #}
<dl class="goal-facts">
  <div><dt>{% translate "Indicator" %}</dt><dd>{{ goal.indicator|default:"—" }}</dd></div>
  <div><dt>{% translate "Nulmeting" %}</dt><dd>{% if goal.baseline is not None %}{{ goal.baseline|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</dd></div>
  <div><dt>{% translate "Streefwaarde" %}</dt><dd>{% if goal.target_value is not None %}{{ goal.target_value|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</dd></div>
  <div><dt>{% translate "Laatste meting" %}</dt><dd>{% if goal.latest_measurement is not None %}{{ goal.latest_measurement|floatformat:"-2" }} {{ goal.unit }}{% else %}—{% endif %}</dd></div>
  <div><dt>{% translate "Deadline" %}</dt><dd>{{ goal.deadline|date:"j F Y"|default:"—" }}</dd></div>
  <div><dt>{% translate "Doelgroep" %}</dt><dd>{{ goal.get_target_group_display|default:"—" }}</dd></div>
</dl>
<p><strong>{% translate "Bestedingsdoel:" %}</strong> {{ goal.get_spending_category_display|default:"—" }}</p>
{% if goal.progress_percent is not None %}
  <p><strong>{% translate "Voortgang:" %}</strong> {{ goal.progress_percent }}% <progress class="progress progress--small" max="100" value="{{ goal.progress_percent }}" aria-label="{% blocktranslate with t=goal.title %}Voortgang van {{ t }}{% endblocktranslate %}">{{ goal.progress_percent }}%</progress></p>
{% endif %}
{% if goal.intervention_list %}
  <p><strong>{% translate "Interventies (NPO-menukaart):" %}</strong></p>
  <ul class="interventions">{% for i in goal.intervention_list %}<li>{{ i.area }}. {{ i.name }} · {{ i.rating_line }}</li>{% endfor %}</ul>
  <p class="source-note">{% translate "Effect, bewijskracht en kosten: NPO-menukaart, data derived from the EEF Teaching and Learning Toolkit, Education Endowment Foundation." %}</p>
{% endif %}
{% if goal.partner_names %}<p><strong>{% translate "Verantwoordelijke partners:" %}</strong> {{ goal.partner_names|join:", " }}</p>{% endif %}
{% if goal.school_names %}<p><strong>{% translate "Scholen:" %}</strong> {{ goal.school_names|join:", " }}</p>{% endif %}
{% if goal.finding_themes %}<p class="hint">{% translate "Komt voort uit:" %} {{ goal.finding_themes|join:", " }}</p>{% endif %}
"""


def goal(**values):
    defaults = {
        "pk": 3,
        "title": "Lezen & <rekenen>",
        "indicator": "",
        "baseline": None,
        "target_value": None,
        "unit": "% & <x>",
        "deadline": None,
        "target_group": "",
        "spending_category": "",
    }
    extra = {
        "latest_measurement": values.pop("latest_measurement", None),
        "progress_percent": values.pop("progress_percent", None),
        "intervention_list": values.pop("intervention_list", []),
        "partner_names": values.pop("partner_names", []),
        "school_names": values.pop("school_names", []),
        "finding_themes": values.pop("finding_themes", []),
    }
    defaults.update(values)
    instance = Goal(**defaults)
    for name, value in extra.items():
        setattr(instance, name, value)
    return instance


GOALS = [
    goal(),
    goal(
        indicator="Aandeel 1F <begrijpend> & lezen",
        baseline=Decimal("50.00"),
        target_value=Decimal("62.5"),
        latest_measurement=Decimal("-1.25"),
        deadline=datetime.date(2025, 7, 1),
        target_group="po",
        spending_category="inhalen",
        progress_percent=0,
        intervention_list=[
            Intervention(area="A", name="Tutoring <1:1> & co", effect_months=5, evidence=3, cost=2),
            Intervention(
                area="B", name="Zomerschool", effect_months=None, evidence=None, cost=None
            ),
        ],
        partner_names=["Stichting <Lezen>", "JGZ & zo"],
        school_names=["De Linde & Co"],
        finding_themes=["Taal <achterstand>", "Thuiszitters"],
    ),
    goal(progress_percent=67, baseline=Decimal("1234567.10"), finding_themes=["Eén"]),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("index", range(len(GOALS)))
def test_goal_facts_are_the_templates(language, index):
    context = {"goal": GOALS[index]}
    tag = "{% load cycle_rows %}{% goal_facts goal %}"
    expected = assert_same_markup(TEMPLATE_FACTS, tag, context, language)
    with translation.override(language):
        # The template the pages included now calls the tag: the same markup.
        assert render_to_string("cycles/_goal_facts.html", context) == expected
