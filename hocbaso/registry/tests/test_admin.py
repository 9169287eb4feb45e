"""The registry's admin pages: read-only, and limited to the user's scope (§9)."""

import pytest
from django.contrib import admin

from hocbaso.records.models import Round
from hocbaso.registry.models import Submission
from hocbaso.registry.tests.helpers import submit


@pytest.fixture
def submissions(district, db, clock, primary_clerk, other_clerk):
    submit(
        district,
        district.records(district.primary, Round.MAIN)[0],
        primary_clerk,
        clock,
    )
    submit(district, district.records(district.other_primary)[0], other_clerk, clock)


def test_a_clerk_sees_the_submissions_of_the_school_only(district, client, submissions):
    client.force_login(district.user(district.primary.school))

    page = client.get("/admin/registry/submission/")

    assert page.status_code == 200
    mine = Submission.objects.get(school=district.primary.school)
    theirs = Submission.objects.get(school=district.other_primary.school)
    assert mine.public_id.encode() in page.content
    assert theirs.public_id.encode() not in page.content
    other = client.get(f"/admin/registry/submission/{theirs.pk}/change/")
    assert other.status_code == 302  # not found in the scope: back to the index


def test_nobody_adds_changes_or_deletes_registry_rows_in_the_admin(
    district, client, submissions
):
    client.force_login(district.user(district.primary.school, "principal"))
    mine = Submission.objects.get(school=district.primary.school)

    assert client.get("/admin/registry/submission/add/").status_code == 403
    detail = client.get(f"/admin/registry/submission/{mine.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert (
        client.post(f"/admin/registry/submission/{mine.pk}/delete/").status_code == 403
    )


def test_every_registry_table_with_rows_of_the_registry_is_registered_read_only():
    from hocbaso.registry import models

    registered = {m for m in admin.site._registry if m._meta.app_label == "registry"}
    assert models.Submission in registered and models.LedgerEntry in registered
    for model in registered:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(None)
        assert not model_admin.has_delete_permission(None)
