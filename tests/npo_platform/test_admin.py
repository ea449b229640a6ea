"""Every model registered in the Django admin (/beheer/) opens for platform staff."""

import pytest
from django.contrib import admin
from django.urls import reverse

from analyses.models import AnalysisStatus
from tests.analyses.factories import SchoolAnalysisFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_changelist_and_first_change_page_open(admin_client, model):
    SchoolAnalysisFactory(status=AnalysisStatus.SUBMITTED, complete=True)
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_non_staff_cannot_open_the_admin(client, officer):
    client.force_login(officer)
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert "/beheer/login/" in response.url
