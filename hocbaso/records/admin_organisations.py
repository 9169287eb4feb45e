"""The admin of organisations and the people who work in them: the department,
management units, schools and the units that managed them when, school years and
classes; people, their appointments, certificates and the staff's audit trail
(docs/architecture.md, "Data" and "Access"; docs/security.md, "Who may do what").

Appointments are changed through the same rule as the pages (permissions.py,
appointing.py); certificates are only read here, they are registered on the
registration page, which checks the certificate names its owner.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hocbaso.records import appointing, permissions
from hocbaso.records.admin_scope import (
    ReadOnlyMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedTabularInline,
)
from hocbaso.records.models import (
    Appointment,
    Certificate,
    Department,
    ManagementUnit,
    Person,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
    StaffEvent,
)

# --- organisations -----------------------------------------------------------


class SchoolUnitPeriodInline(ScopedTabularInline):
    model = SchoolUnitPeriod


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["code", "name", "province_code", "province_name"]
    search_fields = ["code", "name"]


@admin.register(ManagementUnit)
class ManagementUnitAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "department"]
    list_filter = ["kind", ("department", RelatedOnly)]
    search_fields = ["code", "name"]
    list_select_related = ["department"]


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "level_group",
        "commune_name",
        "department",
    ]
    list_filter = ["level", ("department", RelatedOnly)]
    search_fields = ["code", "name", "commune_name"]
    list_select_related = ["department"]
    inlines = [SchoolUnitPeriodInline]

    @admin.display(description=_("level group code"))
    def level_group(self, obj: School) -> str:
        return obj.level_group_code


@admin.register(SchoolUnitPeriod)
class SchoolUnitPeriodAdmin(ScopedAdmin):
    list_display = ["school", "unit", "valid_from", "valid_to"]
    list_filter = [("unit", RelatedOnly)]
    search_fields = ["school__code", "school__name", "unit__name"]
    list_select_related = ["school", "unit"]


@admin.register(SchoolYear)
class SchoolYearAdmin(ScopedAdmin):
    list_display = [
        "name",
        "start_date",
        "end_date",
        "main_lock_date",
        "main_report_date",
        "supplementary_lock_date",
        "supplementary_report_date",
    ]


@admin.register(SchoolClass)
class SchoolClassAdmin(ScopedAdmin):
    list_display = ["name", "grade", "school", "school_year"]
    list_filter = ["school_year", "grade", ("school", RelatedOnly)]
    search_fields = ["name", "school__code", "school__name"]
    list_select_related = ["school", "school_year"]


# --- people ------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["full_name", "personal_id", "user"]
    search_fields = ["full_name", "personal_id", "user__username"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Logins are not scoped to a school: only a superuser links them, so
        # a clerk cannot list or hijack other users' accounts.
        if request.user.is_superuser:
            return ()
        return ("user",)


class AppointmentForm(forms.ModelForm):
    """The appointment with the rule of who appoints whom (permissions.py)."""

    request = None  # set by AppointmentAdmin.get_form

    class Meta:
        model = Appointment
        fields = [
            "person",
            "role",
            "school_year",
            "school",
            "unit",
            "department",
            "school_class",
            "subject_code",
        ]

    def _post_clean(self):
        # After the model form has copied the fields into the instance.
        super()._post_clean()
        if self.errors:
            return
        user = self.request.user
        problems = permissions.appointment_problems(user, self.instance)
        if self.instance.pk is not None and not problems:
            before = Appointment.objects.get(pk=self.instance.pk)
            problems = permissions.removal_problems(user, before)
        for code, params in problems:
            self.add_error(None, permissions.describe(code, params))


@admin.register(Appointment)
class AppointmentAdmin(ScopedAdmin):
    list_display = ["person", "role", "school_year", "school", "unit", "department"]
    list_display += ["school_class", "subject_code"]
    list_filter = ["role", "school_year", ("school", RelatedOnly)]
    search_fields = ["person__full_name", "person__personal_id", "subject_code"]
    list_select_related = ["person", "school_year", "school", "unit", "department"]
    list_select_related += ["school_class"]
    form = AppointmentForm
    raw_id_fields = ["person"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        # The action checks again and writes the audit row in the same transaction.
        if change:
            appointing.change_appointment(request.user, obj)
        else:
            appointing.appoint(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # removed on the appointments page, which keeps signed roles


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = [
        "subject_dn",
        "person",
        "school",
        "serial",
        "not_before",
        "not_after",
    ]
    list_filter = [("school", RelatedOnly)]
    search_fields = ["subject_dn", "serial", "fingerprint_sha256", "person__full_name"]
    list_select_related = ["person", "school"]


@admin.register(StaffEvent)
class StaffEventAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["at", "action", "actor_label", "object_type", "object_id"]
    list_display += ["person", "school"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id"]
    list_select_related = ["person", "school"]
