"""Staff of the demo district: people, their appointments per school year, logins.

Every member of staff gets a login with the demo password and the model
permissions of their role (``hocbaso.records.permissions``); one login per
role is listed for the person trying the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from hocbaso.assessment import curriculum
from hocbaso.demo import names
from hocbaso.demo.ids import PersonalIds
from hocbaso.records.models import (
    Appointment,
    Department,
    ManagementUnit,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolLevel,
    SchoolYear,
)
from hocbaso.records.permissions import role_group

# How many classes one subject teacher teaches in the demo.
CLASSES_PER_SUBJECT_TEACHER = 6
# The grade of the class that ``hocbaso demo-school`` gives a whole year to sign,
# in the first school of each level (hocbaso/school/demo.py; a test keeps the two
# in step): the teachers' logins shown are that class's.
DEMO_GRADES = {SchoolLevel.PRIMARY: 4, SchoolLevel.SECONDARY: 7}
# The subject whose teacher's login is shown.
SHOWN_SUBJECT = "TOAN"


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    where: str


@dataclass
class People:
    """Who holds which role; the cohort step needs homeroom teachers."""

    homeroom: dict[int, Person] = field(default_factory=dict)  # class pk → person
    principal: dict[int, Person] = field(default_factory=dict)  # school pk → person
    logins: list[Login] = field(default_factory=list)
    count: int = 0
    ids: PersonalIds | None = None
    # Where to start: (user name, class name, school year) of the primary demo
    # class's homeroom teacher.
    start: tuple[str, str, str] | None = None


@dataclass
class _Builder:
    rng: random.Random
    ids: PersonalIds
    persons: list[Person] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    usernames: dict[int, tuple[str, str]] = field(default_factory=dict)
    # This year's demo class of each level: the class and its teachers
    # ("homeroom", then one per subject code).
    demo_classes: dict[str, tuple[SchoolClass, dict[str, Person]]] = field(
        default_factory=dict
    )

    def person(self, username: str, role: str) -> Person:
        sex = self.rng.choice((1, 2, 2))  # most teachers are women
        birth = dt.date(self.rng.randint(1968, 1998), 1, 1) + dt.timedelta(
            days=self.rng.randrange(365)
        )
        person = Person(
            full_name=names.person_name(self.rng, sex),
            personal_id=self.ids.new(birth, sex, "001"),
        )
        self.persons.append(person)
        self.usernames[id(person)] = (username, role)
        return person

    def appoint(self, person: Person, role: str, year: SchoolYear, **where) -> None:
        self.appointments.append(
            Appointment(person=person, role=role, school_year=year, **where)
        )


def create_staff(
    rng: random.Random,
    department: Department,
    wards: list[ManagementUnit],
    schools: list[School],
    classes: dict[tuple[int, int], list[SchoolClass]],
    years: tuple[SchoolYear, SchoolYear],
    *,
    password: str,
) -> People:
    b = _Builder(rng, PersonalIds(rng))
    people = People(ids=b.ids)
    officers = [b.person(f"so.chuyenvien{i}", Role.DEPARTMENT_OFFICER) for i in (1, 2)]
    # The only staff the administration site opens to (records/permissions.py).
    administrator = b.person("so.quantri", Role.DEPARTMENT_ADMIN)
    ward_officers = [
        b.person(f"{w.code.lower().replace('ubnd-', 'ub.')}", Role.UNIT_OFFICER)
        for w in wards
    ]
    for year in years:
        b.appoint(administrator, Role.DEPARTMENT_ADMIN, year, department=department)
        for officer in officers:
            b.appoint(officer, Role.DEPARTMENT_OFFICER, year, department=department)
        for ward, officer in zip(wards, ward_officers, strict=True):
            b.appoint(officer, Role.UNIT_OFFICER, year, unit=ward)
    for school in schools:
        _school_staff(b, people, school, classes, years)
    Person.objects.bulk_create(b.persons)
    Appointment.objects.bulk_create(b.appointments, batch_size=2000)
    _create_logins(b, people, password)
    people.count = len(b.persons)
    primary = b.demo_classes.get(SchoolLevel.PRIMARY)
    if primary:
        school_class, teachers = primary
        people.start = (
            b.usernames[id(teachers["homeroom"])][0],
            school_class.name,
            years[-1].name,
        )
    return people


def _school_staff(
    b: _Builder,
    people: People,
    school: School,
    classes: dict[tuple[int, int], list[SchoolClass]],
    years: tuple[SchoolYear, SchoolYear],
) -> None:
    code = school.code
    principal = b.person(f"ht.{code}", Role.PRINCIPAL)
    deputy = b.person(f"pht.{code}", Role.DEPUTY_PRINCIPAL)
    clerk = b.person(f"vt.{code}", Role.CLERK)
    people.principal[school.pk] = principal
    per_year = [classes[(school.pk, year.pk)] for year in years]
    # The same teacher keeps the same class name in both years.
    homeroom = [
        b.person(f"gvcn.{code}.{c.name.lower()}", Role.HOMEROOM_TEACHER)
        for c in per_year[-1]
    ]
    subject_teachers = _subject_teachers(b, school, len(per_year[-1]))
    for year, year_classes in zip(years, per_year, strict=True):
        for person, role in (
            (principal, Role.PRINCIPAL),
            (deputy, Role.DEPUTY_PRINCIPAL),
            (clerk, Role.CLERK),
        ):
            b.appoint(person, role, year, school=school)
        for i, school_class in enumerate(year_classes):
            teacher = homeroom[i]
            people.homeroom[school_class.pk] = teacher
            b.appoint(
                teacher,
                Role.HOMEROOM_TEACHER,
                year,
                school=school,
                school_class=school_class,
            )
            teachers = {
                subject: people_of_subject[i // CLASSES_PER_SUBJECT_TEACHER]
                for subject, people_of_subject in subject_teachers.items()
            }
            for subject, person in teachers.items():
                b.appoint(
                    person,
                    Role.SUBJECT_TEACHER,
                    year,
                    school=school,
                    school_class=school_class,
                    subject_code=subject,
                )
            if year == years[-1]:
                _note_demo_class(b, school_class, {"homeroom": teacher, **teachers})


def _note_demo_class(
    b: _Builder, school_class: SchoolClass, teachers: dict[str, Person]
) -> None:
    """Keep the first class of the demo grade of each level (schools come in
    code order, classes in name order, as ``hocbaso demo-school`` picks them)."""
    level = school_class.school.level
    if school_class.grade == DEMO_GRADES[level] and level not in b.demo_classes:
        b.demo_classes[level] = (school_class, teachers)


def _subject_teachers(
    b: _Builder, school: School, class_count: int
) -> dict[str, list[Person]]:
    """Lower secondary: the teachers of each compulsory subject (they sign its rows)."""
    if school.level != SchoolLevel.SECONDARY:
        return {}
    needed = -(-class_count // CLASSES_PER_SUBJECT_TEACHER)
    return {
        spec.code: [
            b.person(
                f"gvbm.{school.code}.{spec.code.lower()}{n + 1}", Role.SUBJECT_TEACHER
            )
            for n in range(needed)
        ]
        for spec in curriculum("secondary", 6)
        if not spec.optional
    }


def _create_logins(b: _Builder, people: People, password: str) -> None:
    """A login for every member of staff, all with the demo password.

    The password is hashed once and the hash shared: hashing thousands of
    times would dominate the seeding time.
    """
    user_model = get_user_model()
    hashed = make_password(password)
    users = []
    for person in b.persons:
        username, _role = b.usernames[id(person)]
        users.append(
            user_model(
                username=username,
                password=hashed,
                is_staff=True,
                first_name=person.full_name,
            )
        )
    user_model.objects.bulk_create(users, batch_size=2000)
    groups = {}
    through = user_model.groups.through
    links = []
    for person, user in zip(b.persons, users, strict=True):
        role = b.usernames[id(person)][1]
        if role not in groups:
            groups[role] = role_group(role)
        links.append(through(user_id=user.pk, group_id=groups[role].pk))
        person.user = user
    through.objects.bulk_create(links, batch_size=2000)
    Person.objects.bulk_update(b.persons, ["user"], batch_size=2000)
    admin = user_model.objects.create_superuser(
        "quantri", password=None, first_name="Quản trị hệ thống"
    )
    admin.password = hashed
    admin.save(update_fields=["password"])
    people.logins = _demo_logins(b, password)


# The logins shown to whoever runs the demo, one per role, in this order; the
# teachers' are those of this year's demo classes (``_class_logins``).
_SHOWN_ROLES = (
    (Role.DEPARTMENT_ADMIN, "Sở GD&ĐT Hà Nội"),
    (Role.DEPARTMENT_OFFICER, "Sở GD&ĐT Hà Nội"),
    (Role.UNIT_OFFICER, "ward"),
    (Role.PRINCIPAL, "primary"),
    (Role.DEPUTY_PRINCIPAL, "secondary"),
    (Role.CLERK, "primary"),
)


def _demo_logins(b: _Builder, password: str) -> list[Login]:
    logins = [Login("superuser", "quantri", password, "toàn hệ thống")]
    taken = set()
    for role, hint in _SHOWN_ROLES:
        for person in b.persons:
            username, person_role = b.usernames[id(person)]
            prefix_ok = hint not in ("primary", "secondary") or (
                (".0192" in username) == (hint == "primary")
            )
            if person_role == role and prefix_ok and role not in taken:
                logins.append(Login(role, username, password, person.full_name))
                taken.add(role)
    return logins + _class_logins(b, password)


def _class_logins(b: _Builder, password: str) -> list[Login]:
    """The homeroom teacher of each demo class, and the secondary one's teacher
    of the shown subject (its other subjects have theirs: gvbm.<school>.<code>)."""
    shown = [
        (level, "homeroom", Role.HOMEROOM_TEACHER)
        for level in (SchoolLevel.PRIMARY, SchoolLevel.SECONDARY)
    ] + [(SchoolLevel.SECONDARY, SHOWN_SUBJECT, Role.SUBJECT_TEACHER)]
    logins = []
    for level, key, role in shown:
        if level not in b.demo_classes:
            continue
        school_class, teachers = b.demo_classes[level]
        person = teachers[key]
        where = f"{person.full_name}, lớp {school_class.name}"
        if key != "homeroom":
            names = {s.code: s.name for s in curriculum(level, school_class.grade)}
            where += f", môn {names[key]}"
        logins.append(Login(role, b.usernames[id(person)][0], password, where))
    return logins
