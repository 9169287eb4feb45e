"""The staff list's columns say what they hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_staff_list_names_the_school_level_column_as_such(
    world, principal, staff_client
):
    listing = staff_client(principal).get(reverse("portal:staff-list"))

    html = listing.content.decode()
    header = html[html.index("<table>") : html.index("</tr>")]
    # The column holds the transcript's school level (Tiểu học, THCS), not a
    # result: "Mức đạt được" is the name of a subject's level in the transcript.
    assert "<th>Cấp học</th>" in header
    assert "Mức đạt được" not in header
    assert f"<td>{world.a.transcript.get_level_display()}</td>" in html
