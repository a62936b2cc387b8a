from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from experts.models import (
    Education,
    Expert,
    ExpertDocument,
    Expertise,
    ExpertLanguage,
    Language,
    MemberAdministration,
    ProfileType,
    Region,
    ThematicArea,
    UnavailablePeriod,
    WorkExperience,
)
from experts.services import profile as services
from experts.services import search


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en", "name_fr"]


@admin.register(MemberAdministration)
class MemberAdministrationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "iso_code", "region", "kind", "member_since", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name_en", "name_fr", "iso_code"]
    list_select_related = ["region"]
    fieldsets = [
        (None, {"fields": ["name_en", "name_fr", "iso_code", "region", "kind", "member_since"]}),
        (_("Releases for missions"), {"fields": ["release_contacts", "correspondence_language"]}),
        (None, {"fields": ["is_active"]}),
    ]


@admin.register(ProfileType)
class ProfileTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_fr"]
    search_fields = ["code", "name_en", "name_fr"]


@admin.register(ThematicArea)
class ThematicAreaAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "code", "directorate", "is_active"]
    list_filter = ["directorate", "is_active"]
    search_fields = ["name_en", "name_fr", "code"]
    prepopulated_fields = {"code": ["name_en"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "code", "is_wco_official"]
    list_filter = ["is_wco_official"]
    search_fields = ["name_en", "name_fr", "code"]


class ExpertLanguageInline(admin.TabularInline):
    model = ExpertLanguage
    extra = 0
    autocomplete_fields = ["language"]


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    extra = 0


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class WorkExperienceInline(admin.StackedInline):
    model = WorkExperience
    extra = 0


class UnavailablePeriodInline(admin.TabularInline):
    model = UnavailablePeriod
    extra = 0


class ExpertDocumentInline(admin.TabularInline):
    model = ExpertDocument
    extra = 0
    fields = ["kind", "original_name", "size", "uploaded_at", "uploaded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Uploads go through the profile form, which checks the file's content.
        return False


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = [
        "family_name",
        "given_names",
        "user",
        "home_administration",
        "employment_status",
        "completeness",
        "updated_at",
    ]
    list_filter = [
        "home_administration__region",
        "employment_status",
        "gender",
        "remote_only",
        "expertise__area",
    ]
    # What the portal's directory searches (name, position, unit, administration, areas of
    # expertise, biography), plus the login email: an admin finds the same experts.
    search_fields = [
        "family_name",
        "given_names",
        "user__email",
        "position",
        "unit",
        "home_administration__name_en",
        "home_administration__name_fr",
        "expertise__area__name_en",
        "expertise__area__name_fr",
        "expertise__description",
        "biography",
    ]
    list_select_related = ["user", "home_administration"]

    def get_search_results(self, request, queryset, search_term):
        # The same fields, found through the directory's full-text index (experts.services.search):
        # no substring scan of 11 columns, no DISTINCT over the joins.
        if not search_term.strip():
            return queryset, False
        return search.admin_search(queryset, search_term), False

    autocomplete_fields = ["home_administration"]
    raw_id_fields = ["user"]
    readonly_fields = [
        "completeness",
        "consent_given_at",
        "consent_version",
        "profile_confirmed_at",
        "created_at",
        "created_by",
        "updated_at",
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The Secretariat's lists show the stored percentage: keep it true after admin edits.
        services.refresh_completeness(form.instance)

    inlines = [
        ExpertLanguageInline,
        ExpertiseInline,
        EducationInline,
        WorkExperienceInline,
        UnavailablePeriodInline,
        ExpertDocumentInline,
    ]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "user",
                    ("given_names", "family_name"),
                    "photo",
                    ("gender", "nationality", "date_of_birth"),
                ]
            },
        ),
        (_("Contact"), {"fields": ["work_email", "phone"]}),
        (
            _("Employment"),
            {
                "fields": [
                    "home_administration",
                    ("position", "unit"),
                    ("years_in_customs", "employment_status"),
                    "biography",
                ]
            },
        ),
        (_("Availability"), {"fields": ["preferred_mission_length", "remote_only"]}),
        (_("Passport"), {"fields": ["passport_number", "passport_expiry"]}),
        (
            _("Record"),
            {"fields": readonly_fields},
        ),
    ]


@admin.register(ExpertDocument)
class ExpertDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "expert", "kind", "size", "uploaded_at", "uploaded_by"]
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["original_name", "expert__family_name", "expert__user__email"]
    list_select_related = ["expert", "uploaded_by"]
    readonly_fields = [
        "expert",
        "kind",
        "file",
        "original_name",
        "size",
        "uploaded_at",
        "uploaded_by",
    ]

    def has_add_permission(self, request):
        return False
