"""Sources next to figures: inhabitants on the dashboard, the EEF attribution beside ratings."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from schools.models import Intervention
from tests.cycles.factories import GoalFactory

pytestmark = pytest.mark.django_db


def test_dashboard_names_the_source_of_the_inhabitants(client, municipality, officer):
    municipality.inhabitants = 50000
    municipality.save()
    client.force_login(officer)
    body = client.get(reverse("municipalities:dashboard", args=[municipality.slug])).content
    assert "Bron: CBS (via Wikidata), datum onbekend" in body.decode()


def test_menukaart_ratings_carry_the_eef_attribution():
    goal = GoalFactory()
    goal.interventions.add(
        Intervention.objects.create(
            version="t", area="A", area_description="x", name="Zomerschool", effect_months=3
        )
    )
    html = render_to_string("cycles/_goal_facts.html", {"goal": goal})
    assert "effect 3 mnd" in html
    assert "EEF Teaching and Learning Toolkit, Education Endowment Foundation" in html
