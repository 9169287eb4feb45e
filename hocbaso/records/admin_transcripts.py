"""The admin of students and their transcripts: students and enrollments, transcripts,
yearly records with their raw assessments, signature steps and packets
(docs/architecture.md, "Data"; what stays unchangeable once locked, here too:
docs/security.md, "Nothing locked changes").

A record's status moves through the workflow's actions, never by hand; what the actions
write (signature steps, packets) is shown, never changed.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hocbaso.records.admin_scope import (
    ReadOnlyMixin,
    RelatedOnly,
    ScopedAdmin,
    ScopedTabularInline,
)
from hocbaso.records.models import (
    Enrollment,
    RecordPacket,
    SignatureStep,
    Student,
    SubjectAssessment,
    Transcript,
    YearlyRecord,
)
from hocbaso.records.models.record_states import COMPUTED_FIELDS

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
    readonly_fields = ["status", *COMPUTED_FIELDS, "created_at", "updated_at"]
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
