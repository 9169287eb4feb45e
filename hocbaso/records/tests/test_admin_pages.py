"""Every admin page of the records opens for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from hocbaso.records.models import SchoolYear

MODELS = [model for model in admin.site._registry if model._meta.app_label == "records"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_the_list_add_and_change_pages_open(world, admin_client, admin_user, rf, model):
    name = model._meta.model_name
    request = rf.get("/")
    request.user = admin_user
    assert (
        admin_client.get(reverse(f"admin:records_{name}_changelist")).status_code == 200
    )
    # Rows only the signing actions write (signature steps, packets) have no add page.
    adding = admin.site._registry[model].has_add_permission(request)
    add_url = reverse(f"admin:records_{name}_add")
    assert admin_client.get(add_url).status_code == (200 if adding else 403), add_url
    obj = model._default_manager.first()
    if obj is not None:
        url = reverse(f"admin:records_{name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200, url


def test_every_records_model_is_in_the_admin():
    from django.apps import apps

    assert set(apps.get_app_config("records").get_models()) == set(MODELS)


def test_a_school_year_added_with_only_its_name_gets_the_default_calendar(
    admin_client, db
):
    response = admin_client.post(
        reverse("admin:records_schoolyear_add"), {"name": "2030-2031"}
    )
    assert response.status_code == 302
    year = SchoolYear.objects.get(name="2030-2031")
    assert year.main_lock_date.isoformat() == "2031-06-30"
