"""Personas shared by the whole suite (house-style: healthchecks ``hc/test.py``).

One department with two management units (wards, as since 1/7/2025) and a
second department far away:

    department "Sở GD&ĐT Hà Nội"
    ├── unit_a  (Phường Xuân Phương): school_a (primary), school_a2 (lower secondary)
    └── unit_b  (Phường Tây Mỗ):      school_b (primary)
    other_department "Sở GD&ĐT Đà Nẵng": school_z (primary, no middle level)

Each school has one class in the current school year and one student with a
transcript and a yearly record. Staff logins (Django users with the role's
permissions, see ``hocbaso.records.permissions``):

    homeroom_teacher    class 4A1 at school_a
    subject_teacher     TOAN in class 7A1 at school_a2
    principal           school_a (and deputy_principal)
    clerk               school_b
    unit_officer        unit_a
    department_officer  department
    outsider            clerk at school_z

``world`` holds every object; ``staff_client(user)`` gives a logged-in client.
The school year is the one running today, so appointments stay active as
time passes (scope counts only active years' appointments).
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from hocbaso.records.models import (
    Appointment,
    Department,
    Enrollment,
    ManagementUnit,
    Person,
    Role,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
    Sex,
    Student,
    Transcript,
    YearlyRecord,
)
from hocbaso.records.permissions import grant_role_permissions

PASSWORD = "correct horse battery staple"  # noqa: S105 - test logins only
_serials = itertools.count(1)


def make_personal_id(birth_date: dt.date, sex: int, province: str = "001") -> str:
    """A valid 12-digit personal id for a birth date and sex (domain.md §5)."""
    base = (birth_date.year // 100 - 19) * 2
    century = base + (1 if sex == Sex.FEMALE else 0)
    return f"{province}{century}{birth_date.year % 100:02d}{next(_serials):06d}"


def current_year_name(today: dt.date | None = None) -> str:
    """The school year running on ``today``: from August it is the new one."""
    today = today or timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}"


def make_student(school_class: SchoolClass, code: str, name: str, sex: int = Sex.MALE):
    """A student enrolled in ``school_class`` with a transcript and a yearly record."""
    year = school_class.school_year
    birth = dt.date(year.first_year - school_class.grade - 5, 3, 14)
    student = Student.objects.create(
        student_code=code,
        personal_id=make_personal_id(birth, sex),
        full_name=name,
        sex=sex,
        date_of_birth=birth,
    )
    Enrollment.objects.create(
        student=student, school_class=school_class, start_date=year.start_date
    )
    transcript = Transcript.objects.create(
        student=student, level=school_class.level, school=school_class.school
    )
    record = YearlyRecord.objects.create(
        transcript=transcript,
        school_year=year,
        grade=school_class.grade,
        school=school_class.school,
        school_class=school_class,
    )
    return SimpleNamespace(student=student, transcript=transcript, record=record)


def make_staff(
    django_user_model, username: str, name: str, role: str, year: SchoolYear, **where
):
    """A login with a Person, one appointment and the role's permissions."""
    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    birth = dt.date(1985, 1, 1)
    person = Person.objects.create(
        full_name=name, personal_id=make_personal_id(birth, Sex.FEMALE), user=user
    )
    Appointment.objects.create(person=person, role=role, school_year=year, **where)
    grant_role_permissions(user, role)
    return user


def _school(code: str, name: str, level: str, department, unit=None) -> School:
    school = School.objects.create(
        code=code, name=name, level=level, department=department
    )
    if unit is not None:
        SchoolUnitPeriod.objects.create(
            school=school, unit=unit, valid_from=dt.date(2025, 7, 1)
        )
    return school


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with PostgreSQL's autovacuum off for its tables.

    The package-wide districts stay uncommitted for the whole package: autovacuum
    sees their pages but not their rows and records the tables as empty, and the
    planner then joins them with nested sequential scans (a page of the admin took
    forty seconds). Without those statistics the planner sizes a table by its pages,
    which counts the open transaction's rows. Only the test database is changed,
    not the cluster (benchmarks share scripts/with-postgres).
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT format('ALTER TABLE %I.%I SET (autovacuum_enabled = false,"
                " toast.autovacuum_enabled = false)', schemaname, tablename)"
                " FROM pg_tables WHERE schemaname = current_schema()"
            )
            for (statement,) in cursor.fetchall():
                cursor.execute(statement)
    return django_db_setup


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    # Package- and session-wide data (the signed districts) is built in a
    # transaction left open for the tests of the package. On PostgreSQL its
    # foreign keys are checked at commit (deferred), and each test's rollback to
    # its savepoint re-arms the checks it fired: every test's constraint check
    # (pytest-django's teardown) re-checked the whole district again, a second
    # or more per test. Fired once here, outside any test's savepoint, they stay
    # done; the tests still check their own rows. SQLite is left as it is.
    result = yield
    if fixturedef.scope != "function":
        _fire_deferred_checks(request.config)
    return result


def _fire_deferred_checks(config) -> None:
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    for connection in connections.all(initialized_only=True):
        if (
            connection.vendor == "postgresql"
            and connection.connection is not None
            and connection.in_atomic_block
            and not connection.needs_rollback
        ):
            with config.stash[blocking_manager_key].unblock():
                connection.check_constraints()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # Messages raised by actions and commands are matched in English by the
    # tests; pages still come in Vietnamese by default, because the locale
    # middleware activates the request's language for every request.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes most of a second per user on purpose; tests
    # create dozens of logins and only need them to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school_year(db) -> SchoolYear:
    return SchoolYear.objects.create(name=current_year_name())


@pytest.fixture
def world(db, school_year, django_user_model) -> SimpleNamespace:
    w = SimpleNamespace(year=school_year)
    w.department = Department.objects.create(
        code="01", name="Sở GD&ĐT Hà Nội", province_code="01", province_name="Hà Nội"
    )
    w.other_department = Department.objects.create(
        code="48", name="Sở GD&ĐT Đà Nẵng", province_code="48"
    )
    w.unit_a = ManagementUnit.objects.create(
        code="XP",
        name="UBND phường Xuân Phương",
        kind="phuong",
        department=w.department,
    )
    w.unit_b = ManagementUnit.objects.create(
        code="TM", name="UBND phường Tây Mỗ", kind="phuong", department=w.department
    )
    w.school_a = _school("TH-A", "Trường Tiểu học A", "primary", w.department, w.unit_a)
    w.school_a2 = _school(
        "THCS-A", "Trường THCS A", "secondary", w.department, w.unit_a
    )
    w.school_b = _school("TH-B", "Trường Tiểu học B", "primary", w.department, w.unit_b)
    w.school_z = _school("TH-Z", "Trường Tiểu học Z", "primary", w.other_department)
    w.class_a = SchoolClass.objects.create(
        school=w.school_a, school_year=school_year, grade=4, name="4A1"
    )
    w.class_a2 = SchoolClass.objects.create(
        school=w.school_a2, school_year=school_year, grade=7, name="7A1"
    )
    w.class_b = SchoolClass.objects.create(
        school=w.school_b, school_year=school_year, grade=3, name="3B1"
    )
    w.class_z = SchoolClass.objects.create(
        school=w.school_z, school_year=school_year, grade=2, name="2Z1"
    )
    w.a = make_student(w.class_a, "HSA000001", "Nguyễn Minh Anh", Sex.FEMALE)
    w.a2 = make_student(w.class_a2, "HSA200001", "Trần Quốc Bảo")
    w.b = make_student(w.class_b, "HSB000001", "Lê Thu Cúc", Sex.FEMALE)
    w.z = make_student(w.class_z, "HSZ000001", "Phạm Đức Duy")
    return w


def _staff(django_user_model, world, username, role, **where):
    return make_staff(
        django_user_model, username, f"Cán bộ {username}", role, world.year, **where
    )


@pytest.fixture
def homeroom_teacher(django_user_model, world):
    return _staff(
        django_user_model,
        world,
        "gvcn_a",
        Role.HOMEROOM_TEACHER,
        school=world.school_a,
        school_class=world.class_a,
    )


@pytest.fixture
def subject_teacher(django_user_model, world):
    return _staff(
        django_user_model,
        world,
        "gvbm_a2",
        Role.SUBJECT_TEACHER,
        school=world.school_a2,
        school_class=world.class_a2,
        subject_code="TOAN",
    )


@pytest.fixture
def principal(django_user_model, world):
    return _staff(
        django_user_model, world, "ht_a", Role.PRINCIPAL, school=world.school_a
    )


@pytest.fixture
def deputy_principal(django_user_model, world):
    return _staff(
        django_user_model, world, "pht_a", Role.DEPUTY_PRINCIPAL, school=world.school_a
    )


@pytest.fixture
def clerk(django_user_model, world):
    return _staff(django_user_model, world, "vt_b", Role.CLERK, school=world.school_b)


@pytest.fixture
def unit_officer(django_user_model, world):
    return _staff(
        django_user_model, world, "cb_xp", Role.UNIT_OFFICER, unit=world.unit_a
    )


@pytest.fixture
def department_officer(django_user_model, world):
    return _staff(
        django_user_model,
        world,
        "cv_so",
        Role.DEPARTMENT_OFFICER,
        department=world.department,
    )


@pytest.fixture
def outsider(django_user_model, world):
    """Staff of a school in another department: must be refused everything here."""
    return _staff(django_user_model, world, "vt_z", Role.CLERK, school=world.school_z)


@pytest.fixture
def staff_client(client):
    """``staff_client(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Browser tests -------------------------------------------------------
# Pages are driven in Debian's headless Chromium through Playwright (the
# browser is the system one: nothing is downloaded). ``page`` is a fresh
# browser context on the test's live server; the browser starts once per run.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


# Tests that behave the same on every database run once, in the SQLite half of
# ``make test`` (marked ``once``, which the PostgreSQL half deselects):
# - the pure cores' tests that ask for no database: these packages import no Django
#   (the import contracts of pyproject.toml);
# - the demo's tests: the demo is served on SQLite (``make demo``);
# - the notices' tests: what notices need of the database (one row per notice
#   under a unique key, two senders racing) is tested on PostgreSQL in
#   ``hocbaso/notices/tests_postgres``.
PURE_CORES = frozenset(
    {"assessment", "packet", "signing", "ledger", "monitor", "verifier", "printing"}
)
SQLITE_ONLY = frozenset({"demo", "notices"})
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_setup",  # what session fixtures that unblock the database ask for
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


def _runs_once(item) -> bool:
    parts = item.path.relative_to(item.config.rootpath).parts
    if len(parts) < 4 or parts[0] != "hocbaso" or parts[2] != "tests":
        return False
    if parts[1] in SQLITE_ONLY:
        return True
    return (
        parts[1] in PURE_CORES
        and item.get_closest_marker("django_db") is None
        and not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_itemcollected(item):
    # before ``-m`` selects: the marker must be there when "not once" is applied
    if _runs_once(item):
        item.add_marker(pytest.mark.once)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Playwright's sync API keeps an event loop running in the main thread while
    # the browser is open; tests that run their own loop (pyHanko, asyncio.run)
    # must come before the first browser test, so browser tests run last (after
    # pytest-django's own ordering of database tests).
    browser = [item for item in items if _uses_browser(item)]
    if browser:
        others = [item for item in items if not _uses_browser(item)]
        items[:] = others + browser


def _uses_browser(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "page" in names or "chromium_browser" in names


@pytest.fixture(scope="session")
def chromium_browser():
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    """A new browser tab whose relative URLs go to the live server."""
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="vi-VN", accept_downloads=True
    )
    context.set_default_timeout(30_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def browser_login(page):
    """Log ``user`` in through the staff login page of the browser tab."""

    def login(user, password: str = PASSWORD):
        page.goto("/login/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return page

    return login
