"""The Django admin of the school records, every page limited to the user's scope.

The site opens only to the department's administrators (``hocbaso.web.admin_site``);
staff work in the product's pages. ``ScopedAdminMixin`` filters the change list,
the object pages (an object outside the scope is "not found", whatever its URL)
and the choices of every foreign key, and writes a ``StaffEvent`` for every list
and row read (personal data: docs/security.md, "Who may do what"); ``admin_read``
lets the layers above add their own trail (the portal's, for transcripts).

Appointments are changed through the same rule as the pages (permissions.py,
appointing.py); certificates are only read here, they are registered on the
registration page, which checks the certificate names its owner.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hocbaso.records import appointing, permissions
from hocbaso.records.models import (
    Appointment,
    Certificate,
    Department,
    Enrollment,
    ManagementUnit,
    Person,
    RecordPacket,
    School,
    SchoolClass,
    SchoolUnitPeriod,
    SchoolYear,
    SignatureStep,
    StaffEvent,
    StaffEventType,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)
from hocbaso.records.scope import filter_for, is_scoped

RelatedOnly = admin.RelatedOnlyFieldListFilter

# Sent after a list or a row of the admin was shown: sender the model, with
# ``request`` and ``objects`` (the rows shown).
admin_read = Signal()
# Rows per list page whose ids go into the audit row (a page shows at most 100).
_AUDITED_IDS = 100


class ScopedAdminMixin:
    """Limit an admin (or inline) to the rows and choices in the user's scope."""

    # Foreign keys that name *another* school on purpose (where a transferred
    # student came from) choose among every school: a school's name and code
    # are public, and the receiving school must be able to name the sender.
    unscoped_foreign_keys = frozenset({"source_school"})

    def get_queryset(self, request):
        return filter_for(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            field is not None
            and db_field.name not in self.unscoped_foreign_keys
            and is_scoped(db_field.related_model)
        ):
            field.queryset = filter_for(request.user, field.queryset)
        return field

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            shown = list(changelist.result_list)
            self._audit_read(
                request,
                StaffEventType.ADMIN_LIST,
                shown,
                {"query": dict(request.GET.lists()), "count": len(shown)},
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None and request.method == "GET":
            self._audit_read(request, StaffEventType.ADMIN_VIEW, [original], {})
        return response

    def _audit_read(self, request, action, shown, detail) -> None:
        model = self.model
        appointing.staff_event(
            request.user,
            action,
            object_type=model._meta.label_lower,
            object_id=str(shown[0].pk) if action == StaffEventType.ADMIN_VIEW else "",
            detail={**detail, "ids": [row.pk for row in shown[:_AUDITED_IDS]]},
        )
        admin_read.send(sender=model, request=request, objects=shown)


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0


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


class ReadOnlyMixin:
    """Rows only the actions write: shown, never added or changed by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


# --- students ----------------------------------------------------------------


class EnrollmentInline(ScopedTabularInline):
    model = Enrollment
    fk_name = "student"


@admin.register(Student)
class StudentAdmin(ScopedAdmin):
    list_display = ["student_code", "full_name", "sex", "date_of_birth", "personal_id"]
    list_filter = ["sex"]
    search_fields = ["student_code", "full_name", "personal_id"]
    inlines = [EnrollmentInline]
    fieldsets = [
        (None, {"fields": ["student_code", "personal_id", "full_name", "sex"]}),
        (
            _("Identity"),
            {
                "fields": [
                    "date_of_birth",
                    "ethnicity",
                    "nationality",
                    "place_of_birth",
                    "home_town",
                    "current_address",
                    "policy_category",
                ]
            },
        ),
        (
            _("Family"),
            {
                "fields": [
                    ("father_name", "father_occupation"),
                    ("mother_name", "mother_occupation"),
                    ("guardian_name", "guardian_occupation"),
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The student code never changes once given (Circular 42/2021).
        return ("student_code",) if obj is not None else ()


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdmin):
    list_display = ["student", "school_class", "kind", "start_date", "end_date"]
    list_filter = ["kind", "school_class__school_year"]
    search_fields = ["student__student_code", "student__full_name"]
    list_select_related = [
        "student",
        "school_class__school",
        "school_class__school_year",
    ]
    autocomplete_fields = ["student"]


# --- transcripts -------------------------------------------------------------


@admin.register(Transcript)
class TranscriptAdmin(ScopedAdmin):
    # The lookup code is a credential (domain.md §9): shown on the object page
    # only, never in lists or searches, whose URLs end up in logs.
    list_display = ["student", "level", "school", "created_at"]
    list_filter = ["level", ("school", RelatedOnly)]
    search_fields = ["student__student_code", "student__full_name"]
    readonly_fields = ["lookup_code", "created_at"]
    list_select_related = ["student", "school"]
    autocomplete_fields = ["student"]


class SubjectAssessmentInline(ScopedTabularInline):
    model = SubjectAssessment
    fields = ["subject_code", "term", "data", "comment", "entered_by", "source_school"]
    # A select of every member of staff on each of the ~26 rows is too heavy.
    raw_id_fields = ["entered_by"]


COMPUTED_READONLY = [
    "results",
    "result_code",
    "year_learning",
    "year_conduct",
    "promotion",
    "title",
    "completed",
    "round",
    "computed_at",
]


class SignatureStepInline(ReadOnlyMixin, ScopedTabularInline):
    model = SignatureStep
    fields = ["role", "person", "school", "subject_codes", "signed_at", "certificate"]
    readonly_fields = fields


@admin.register(YearlyRecord)
class YearlyRecordAdmin(ScopedAdmin):
    list_display = ["student_name", "school_year", "grade", "school_class", "status"]
    list_display += ["round", "result_code", "year_learning", "year_conduct"]
    list_display += ["promotion", "title"]
    list_filter = ["status", "round", "school_year", "grade", ("school", RelatedOnly)]
    search_fields = [
        "transcript__student__student_code",
        "transcript__student__full_name",
    ]
    list_select_related = ["transcript__student", "school_year", "school_class"]
    # The status moves through the workflow's actions (actions.py), never by hand;
    # an edit of the raw data returns the record to draft by itself.
    readonly_fields = ["status", *COMPUTED_READONLY, "created_at", "updated_at"]
    inlines = [SubjectAssessmentInline, SignatureStepInline]
    actions = ["recompute_results"]
    # A district has tens of thousands of transcripts: no select listing them all.
    raw_id_fields = ["transcript", "class_recognition_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "school_class" and field is not None:
            field.queryset = field.queryset.select_related("school", "school_year")
        return field

    @admin.display(description=_("student"), ordering="transcript__student__full_name")
    def student_name(self, obj: YearlyRecord) -> str:
        return str(obj.transcript.student)

    @admin.action(description=_("Recompute the results"), permissions=["change"])
    def recompute_results(self, request, queryset):
        from hocbaso.assessment import AssessmentInputError

        done = 0
        for record in queryset.select_related("transcript__student"):
            try:
                record.recompute()
            except AssessmentInputError as error:
                problems = "; ".join(str(p) for p in error.problems)
                self.message_user(request, f"{record}: {problems}", messages.ERROR)
            else:
                done += 1
        message = ngettext(
            "%(count)d record recomputed.", "%(count)d records recomputed.", done
        )
        self.message_user(request, message % {"count": done}, messages.SUCCESS)


@admin.register(SubjectAssessment)
class SubjectAssessmentAdmin(ScopedAdmin):
    list_display = ["record", "subject_code", "term", "entered_by", "source_school"]
    list_filter = ["term", "subject_code"]
    search_fields = [
        "record__transcript__student__student_code",
        "record__transcript__student__full_name",
        "subject_code",
    ]
    list_select_related = ["record__transcript__student", "record__school_year"]
    list_select_related += ["entered_by", "source_school"]
    raw_id_fields = ["record"]


@admin.register(SignatureStep)
class SignatureStepAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["record", "role", "person", "school", "signed_at"]
    list_filter = ["role", "record__school_year"]
    search_fields = ["person__full_name", "record__transcript__student__full_name"]
    list_select_related = ["record__transcript__student", "record__school_year"]
    list_select_related += ["person", "school"]


@admin.register(RecordPacket)
class RecordPacketAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["record", "leader", "issuance_number", "issued_on", "updated_at"]
    list_filter = ["record__school_year", "record__status"]
    search_fields = ["record__transcript__student__full_name", "issuance_number"]
    exclude = ["data"]
    list_select_related = ["record__transcript__student", "record__school_year"]
    list_select_related += ["leader"]
