"""Sources next to figures: inhabitants on the dashboard, the EEF attribution beside ratings."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cycles.selectors import cycle_goals
from schools.models import Intervention
from tests.cycles.factories import GoalFactory

pytestmark = pytest.mark.django_db


def test_dashboard_names_the_source_and_date_of_the_inhabitants(client, municipality, officer):
    municipality.inhabitants = 50000
    municipality.inhabitants_source = "CBS"
    municipality.inhabitants_date = datetime.date(2026, 1, 1)
    municipality.save()
    client.force_login(officer)
    page = reverse("municipalities:dashboard", args=[municipality.slug])
    body = client.get(page).content.decode()
    assert '50.000 <small class="source-note">Bron: CBS, 1 jan. 2026</small>' in body

    # Hilversum and Wijdemeren are not in CBS's 2026 file: their older figure has no date.
    municipality.inhabitants_source = "CBS (via Wikidata)"
    municipality.inhabitants_date = None
    municipality.save()
    body = client.get(page).content.decode()
    assert "Bron: CBS (via Wikidata), datum onbekend" in body


def test_menukaart_ratings_carry_the_eef_attribution():
    goal = GoalFactory()
    goal.interventions.add(
        Intervention.objects.create(
            version="t", area="A", area_description="x", name="Zomerschool", effect_months=3
        )
    )
    # As the Doelen and Doen pages read it: with its facts (cycles.selectors.cycle_goals).
    (goal,) = cycle_goals(cycle=goal.cycle)
    html = render_to_string("cycles/_goal_facts.html", {"goal": goal})
    # An empty rating reads "niet beoordeeld", never 0.
    assert "effect +3 maanden · bewijskracht niet beoordeeld · kosten niet beoordeeld" in html
    assert "EEF Teaching and Learning Toolkit, Education Endowment Foundation" in html


def test_goal_form_choices_show_unrated_as_niet_beoordeeld():
    from cycles.forms import InterventionChoiceField

    rated = Intervention(area="B", name="Feedback", effect_months=6, evidence=4, cost=1)
    unrated = Intervention(area="F", name="Ouderbetrokkenheid")
    field = InterventionChoiceField(queryset=Intervention.objects.none())
    assert field.label_from_instance(rated) == (
        "B. Feedback — effect +6 maanden · bewijskracht 4/5 · kosten 1/5"
    )
    assert field.label_from_instance(unrated) == (
        "F. Ouderbetrokkenheid — effect niet beoordeeld · bewijskracht niet beoordeeld · "
        "kosten niet beoordeeld"
    )
