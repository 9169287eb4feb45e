"""People, their roles per school year, and the certificates registered to them.

domain.md §2 lists the roles; §8 says a signature counts only if its
certificate belongs to the person who held that role for that class and
school at that time, which is why appointments are per school year.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hocbaso.records import identifiers
from hocbaso.records.models.calendar import SchoolClass, SchoolYear
from hocbaso.records.models.organisations import Department, ManagementUnit, School

personal_id_format = RegexValidator(
    r"^[0-9]{12}$", _("The personal identification number must be exactly 12 digits.")
)
hex_sha256 = RegexValidator(
    r"^[0-9a-f]{64}$", _("A SHA-256 fingerprint is 64 lowercase hexadecimal digits.")
)


def personal_id_errors(pid: str, birth_date=None, sex=None) -> list[str]:
    """Translated sentences for the problems of a personal id (identifiers.py)."""
    return [
        gettext(problem.message) % problem.params
        for problem in identifiers.validate_personal_id(pid, birth_date, sex)
    ]


def name_errors(name: str) -> list[str]:
    """Translated sentences for the problems of a person's name (identifiers.py)."""
    return [
        gettext(problem.message) % problem.params
        for problem in identifiers.validate_name(name)
    ]


class Person(models.Model):
    """A member of staff: teacher, principal, clerk, officer."""

    full_name = models.CharField(_("full name"), max_length=200)
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        unique=True,
        validators=[personal_id_format],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.full_name = identifiers.normalise_name(self.full_name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.full_name = identifiers.normalise_name(self.full_name)
        if errors := name_errors(self.full_name):
            raise ValidationError({"full_name": errors})
        if errors := personal_id_errors(self.personal_id or ""):
            raise ValidationError({"personal_id": errors})


class Role(models.TextChoices):
    HOMEROOM_TEACHER = "homeroom_teacher", _("Homeroom teacher")
    SUBJECT_TEACHER = "subject_teacher", _("Subject teacher")
    PRINCIPAL = "principal", _("Principal")
    DEPUTY_PRINCIPAL = "deputy_principal", _("Deputy principal")
    CLERK = "clerk", _("School clerk")
    UNIT_OFFICER = "unit_officer", _("Management unit officer")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    # Appoints the department's officers, the units' officers and the schools'
    # leaders, and is the only role the administration site opens to
    # (docs/security.md, "Who may do what").
    DEPARTMENT_ADMIN = "department_admin", _("Department administrator")


SCHOOL_ROLES = (
    Role.HOMEROOM_TEACHER,
    Role.SUBJECT_TEACHER,
    Role.PRINCIPAL,
    Role.DEPUTY_PRINCIPAL,
    Role.CLERK,
)
CLASS_ROLES = (Role.HOMEROOM_TEACHER, Role.SUBJECT_TEACHER)
DEPARTMENT_ROLES = (Role.DEPARTMENT_OFFICER, Role.DEPARTMENT_ADMIN)

# Each role belongs to exactly one kind of organisation; the database checks it.
_ORGANISATION_MATCHES_ROLE = (
    Q(
        role__in=SCHOOL_ROLES,
        school__isnull=False,
        unit__isnull=True,
        department__isnull=True,
    )
    | Q(
        role=Role.UNIT_OFFICER,
        school__isnull=True,
        unit__isnull=False,
        department__isnull=True,
    )
    | Q(
        role__in=DEPARTMENT_ROLES,
        school__isnull=True,
        unit__isnull=True,
        department__isnull=False,
    )
)
_CLASS_MATCHES_ROLE = (
    Q(role__in=CLASS_ROLES, school_class__isnull=False)
    | (~Q(role__in=CLASS_ROLES) & Q(school_class__isnull=True))
) & (~Q(role=Role.SUBJECT_TEACHER) | ~Q(subject_code=""))


class Appointment(models.Model):
    """A person holds a role at a school, unit or department for one school year."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("school year"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("school"),
    )
    unit = models.ForeignKey(
        ManagementUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("management unit"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("department"),
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("class"),
        help_text=_("Homeroom and subject teachers only."),
    )
    subject_code = models.CharField(
        _("subject code"),
        max_length=10,
        blank=True,
        help_text=_("Subject teachers only, for example TOAN."),
    )

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["school_year", "role", "person"]
        constraints = [
            # At most one homeroom teacher per class; a class belongs to one
            # year, so this is also "per year".
            models.UniqueConstraint(
                fields=["school_class"],
                condition=Q(role=Role.HOMEROOM_TEACHER),
                name="records_one_homeroom_teacher_per_class",
            ),
            models.CheckConstraint(
                condition=_ORGANISATION_MATCHES_ROLE,
                name="records_appointment_organisation_matches_role",
            ),
            models.CheckConstraint(
                condition=_CLASS_MATCHES_ROLE,
                name="records_appointment_class_matches_role",
            ),
        ]
        indexes = [models.Index(fields=["school", "school_year"])]

    def __str__(self) -> str:
        where = self.school_class or self.school or self.unit or self.department
        return (
            f"{self.person} · {self.get_role_display()} · {where} · {self.school_year}"
        )

    def clean(self) -> None:
        errors = {}
        if self.role in SCHOOL_ROLES and not self.school_id:
            errors["school"] = _("A school role needs a school.")
        if self.role == Role.UNIT_OFFICER and not self.unit_id:
            errors["unit"] = _("A unit officer needs a management unit.")
        if self.role in DEPARTMENT_ROLES and not self.department_id:
            errors["department"] = _("A department officer needs a department.")
        if self.role in CLASS_ROLES and not self.school_class_id:
            errors["school_class"] = _("A teacher's appointment needs a class.")
        if self.role == Role.SUBJECT_TEACHER and not self.subject_code:
            errors["subject_code"] = _("A subject teacher needs a subject code.")
        if self.school_class_id and (
            self.school_class.school_id != self.school_id
            or self.school_class.school_year_id != self.school_year_id
        ):
            errors["school_class"] = _(
                "The class must belong to the appointment's school and school year."
            )
        if errors:
            raise ValidationError(errors)


class Certificate(models.Model):
    """An X.509 signing certificate registered to a person or to a school (its seal)."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("person"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("school (seal)"),
    )
    subject_dn = models.CharField(_("subject"), max_length=500)
    issuer_dn = models.CharField(_("issuer"), max_length=500, blank=True)
    serial = models.CharField(_("serial number"), max_length=100)
    fingerprint_sha256 = models.CharField(
        _("SHA-256 fingerprint"), max_length=64, unique=True, validators=[hex_sha256]
    )
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    pem = models.TextField(_("certificate (PEM)"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-registered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, school__isnull=True)
                | Q(person__isnull=True, school__isnull=False),
                name="records_certificate_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_dn

    def save(self, *args, **kwargs) -> None:
        # A registration never moves to another owner: the signatures already made
        # with the certificate would move with it (docs/security.md).
        if self.pk is not None:
            before = (
                Certificate.objects.filter(pk=self.pk)
                .values_list("person_id", "school_id", "fingerprint_sha256")
                .first()
            )
            now = (self.person_id, self.school_id, self.fingerprint_sha256)
            if before is not None and tuple(before) != now:
                raise ValidationError(
                    _("A certificate's registration never moves to another owner.")
                )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if bool(self.person_id) == bool(self.school_id):
            raise ValidationError(
                _("A certificate belongs either to a person or to a school, not both.")
            )
        if self.not_before and self.not_after and self.not_after <= self.not_before:
            raise ValidationError(
                {"not_after": _("The certificate must expire after it starts.")}
            )
        if problems := self.owner_problems():
            raise ValidationError({"pem": problems})

    def owner_problems(self) -> list[str]:
        """Why the certificate's subject does not name its owner (certificates.py)."""
        from cryptography import x509

        from hocbaso.records import certificates

        try:
            parsed = x509.load_pem_x509_certificate(self.pem.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            return [gettext("The certificate is not a PEM X.509 certificate.")]
        if certificates.fingerprint_of(parsed) != self.fingerprint_sha256:
            return [gettext("The fingerprint is not the certificate's.")]
        return [
            certificates.describe_owner_problem(code, params)
            for code, params in certificates.owner_problems(
                parsed, person=self.person, school=self.school
            )
        ]


class StaffEventType(models.TextChoices):
    """Stable ``subject:action`` names of the staff audit trail."""

    APPOINTMENT_ADD = "appointment:add", _("appointment made")
    APPOINTMENT_CHANGE = "appointment:change", _("appointment changed")
    APPOINTMENT_REMOVE = "appointment:remove", _("appointment removed")
    CERTIFICATE_REGISTER = "certificate:register", _("certificate registered")
    ADMIN_LIST = "admin:list", _("list read in the administration")
    ADMIN_VIEW = "admin:view", _("row read in the administration")


class StaffEvent(models.Model):
    """Who appointed whom, registered which certificate, read which rows: append-only.

    ``detail`` holds what changed or what was read (the model, the filters, the
    primary keys shown), never a lookup code (domain.md §9 keeps it a credential).
    """

    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(
        _("action"), max_length=40, choices=StaffEventType.choices
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("name"), max_length=200, blank=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("staff audit event")
        verbose_name_plural = _("staff audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("The staff audit trail is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The staff audit trail is append-only."))
