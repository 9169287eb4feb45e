import json

import pytest
from django.core.management import call_command

from hocbaso.portal.citizen.models import Guardianship, visible_transcripts
from hocbaso.records.identifiers import validate_personal_id

pytestmark = pytest.mark.django_db


def test_demo_parents_see_their_children(world, tmp_path):
    users, logins = tmp_path / "users.json", tmp_path / "logins.txt"
    call_command("citizen-demo", "--users", users, "--logins", logins, "--count", 2)
    citizens = json.loads(users.read_text())
    assert len(citizens) == 3  # two parents and one student
    parents = citizens[:2]
    for parent in parents:
        assert not validate_personal_id(parent["personal_id"])
        assert visible_transcripts(parent["personal_id"]).count() == 2
    call_command("citizen-demo", "--users", users, "--logins", logins, "--count", 2)
    assert Guardianship.objects.count() == 4  # idempotent
    assert "parent\t" in logins.read_text()


def test_a_guardianship_cannot_name_the_student_themself(world):
    from django.core.exceptions import ValidationError

    from hocbaso.portal.citizen.models import Relation

    student = world.a.student
    guardianship = Guardianship(
        student=student,
        guardian_personal_id=student.personal_id,
        guardian_name="X",
        relation=Relation.GUARDIAN,
    )
    with pytest.raises(ValidationError, match="own personal identification"):
        guardianship.full_clean()
