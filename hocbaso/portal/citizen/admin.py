from django.contrib import admin

from hocbaso.portal.citizen.models import CitizenAccount, Guardianship, ShareCode


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ("student", "guardian_name", "relation", "guardian_personal_id")
    list_filter = ("relation",)
    search_fields = (
        "student__full_name",
        "student__student_code",
        "guardian_name",
        "guardian_personal_id",
    )
    autocomplete_fields = ("student",)


@admin.register(CitizenAccount)
class CitizenAccountAdmin(admin.ModelAdmin):
    list_display = ("full_name", "personal_id", "created_at")
    search_fields = ("full_name", "personal_id")
    readonly_fields = ("user", "personal_id", "issuer", "created_at")

    def has_add_permission(self, request):
        return False  # made at the first login through the identity provider


@admin.register(ShareCode)
class ShareCodeAdmin(admin.ModelAdmin):
    list_display = ("hint", "transcript", "account", "expires_at", "revoked_at")
    readonly_fields = (
        "account",
        "transcript",
        "records",
        "digest",
        "hint",
        "recipient",
        "created_at",
        "expires_at",
    )

    def has_add_permission(self, request):
        return False  # citizens make their own
