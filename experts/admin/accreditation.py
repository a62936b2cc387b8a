"""Admin for accreditations, their history, workshops and the review queue of requests.

Nothing here changes an accreditation by itself: every action goes through
experts.services.accreditation (transitions, requests), one row per transaction, and the
change pages are read-only, so the admin offers no path around the rules.
"""

from django.contrib import admin
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from experts.admin.confirm import (
    BulkAction,
    ConfirmedActionsMixin,
    ConfirmPage,
    DecisionForm,
    TransitionForm,
    document_link,
    event_evidence,
    event_transition,
    request_subject,
)
from experts.enums import RequestState
from experts.models import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
)
from experts.services.accreditation import transitions
from experts.services.accreditation.requests import approve_request, reject_request


class RequestStateFilter(admin.SimpleListFilter):
    """The queue opens on the pending requests; "All" is an explicit choice."""

    title = _("state")
    parameter_name = "state"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*RequestState.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or RequestState.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(state=self.value())


def _approve(request, row, data):
    approve_request(row.pk, by=request.user, reason=data["reason"])


def _reject(request, row, data):
    reject_request(row.pk, by=request.user, reason=data["reason"])


APPROVE = BulkAction(
    name="approve_selected",
    title=_("Approve accreditation requests"),
    button=_("Approve"),
    done=ngettext_lazy("%(count)d request approved.", "%(count)d requests approved.", "count"),
    apply=_approve,
)
REJECT = BulkAction(
    name="reject_selected",
    title=_("Reject accreditation requests"),
    button=_("Reject"),
    done=ngettext_lazy("%(count)d request rejected.", "%(count)d requests rejected.", "count"),
    apply=_reject,
)


@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(ConfirmedActionsMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "expert",
        "kind",
        "subject",
        "state",
        "decided_by",
        "decided_at",
    ]
    list_filter = [RequestStateFilter, "kind", "area", "profile_type"]
    search_fields = ["expert__family_name", "expert__given_names", "expert__user__email"]
    list_select_related = [
        "expert__user",
        "profile_type",
        "area",
        "accreditation__profile_type",
        "accreditation__area",
        "decided_by",
        "document",
    ]
    actions = ["approve_selected", "reject_selected"]
    fields = [
        "expert",
        "kind",
        "accreditation",
        "profile_type",
        "area",
        "message",
        "supporting_document",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    readonly_fields = fields
    confirm_page = ConfirmPage(
        template="admin/experts/decide_requests.html",
        form_class=DecisionForm,
        headers=[
            _("requested at"),
            _("expert"),
            _("request"),
            _("profile and area, or accreditation"),
            _("message"),
            _("document"),
            _("state"),
        ],
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Decisions are taken by the actions, through the service; the page only shows.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("experts.change_accreditationrequest")

    @admin.display(description=_("profile and area, or accreditation"))
    def subject(self, obj):
        return request_subject(obj)

    @admin.display(description=_("supporting document"))
    def supporting_document(self, obj):
        return document_link(obj.document)

    def confirm_cells(self, obj):
        return [
            obj.created_at,
            format_html("{}<br>{}", obj.expert, obj.expert.user.email),
            obj.get_kind_display(),
            request_subject(obj),
            linebreaksbr(obj.message),
            document_link(obj.document),
            obj.get_state_display(),
        ]

    @admin.action(description=_("Approve the selected requests"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, APPROVE)

    @admin.action(description=_("Reject the selected requests"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, REJECT)


# --- Accreditations ------------------------------------------------------------------------------


def _transition(service):
    def apply(request, row, data):
        # The state the reviewer saw: a row changed since then is refused with StaleState.
        # A post without it never matches, so nothing is changed blind.
        service(
            row.pk,
            by=request.user,
            reason=data["reason"],
            internal_comment=data["internal_comment"],
            expected=request.POST.get(f"expected-{row.pk}", ""),
        )

    return apply


SUSPEND = BulkAction(
    name="suspend_selected",
    title=_("Suspend accreditations"),
    button=_("Suspend"),
    done=ngettext_lazy(
        "%(count)d accreditation suspended.", "%(count)d accreditations suspended.", "count"
    ),
    apply=_transition(transitions.suspend),
)
REINSTATE = BulkAction(
    name="reinstate_selected",
    title=_("Reinstate accreditations"),
    button=_("Reinstate"),
    done=ngettext_lazy(
        "%(count)d accreditation reinstated.", "%(count)d accreditations reinstated.", "count"
    ),
    apply=_transition(transitions.reinstate),
)
WITHDRAW = BulkAction(
    name="withdraw_selected",
    title=_("Withdraw accreditations"),
    button=_("Withdraw"),
    done=ngettext_lazy(
        "%(count)d accreditation withdrawn.", "%(count)d accreditations withdrawn.", "count"
    ),
    apply=_transition(transitions.withdraw),
)
RETIRE = BulkAction(
    name="retire_selected",
    title=_("Retire accreditations"),
    button=_("Retire"),
    done=ngettext_lazy(
        "%(count)d accreditation retired.", "%(count)d accreditations retired.", "count"
    ),
    apply=_transition(transitions.retire),
)
RENEW = BulkAction(
    name="renew_selected",
    title=_("Renew lapsed accreditations"),
    button=_("Renew"),
    done=ngettext_lazy(
        "%(count)d accreditation renewed.", "%(count)d accreditations renewed.", "count"
    ),
    apply=_transition(transitions.renew),
)


class AccreditationEventInline(admin.TabularInline):
    model = AccreditationEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "transition", "by", "reason", "internal_comment", "evidence"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("by", "evidence_document", "evidence_workshop")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("change"))
    def transition(self, obj):
        return event_transition(obj)

    @admin.display(description=_("evidence"))
    def evidence(self, obj):
        return event_evidence(obj)


@admin.register(Accreditation)
class AccreditationAdmin(ConfirmedActionsMixin, admin.ModelAdmin):
    list_display = [
        "expert",
        "profile_code",
        "area",
        "state",
        "phase",
        "valid_until",
        "updated_at",
    ]
    list_filter = ["state", "area", "profile_type", "area__directorate", "valid_until"]
    search_fields = ["expert__family_name", "expert__given_names", "expert__user__email"]
    list_select_related = ["expert__user", "profile_type", "area"]
    actions = [
        "suspend_selected",
        "reinstate_selected",
        "withdraw_selected",
        "retire_selected",
        "renew_selected",
    ]
    fields = [
        "expert",
        "profile_type",
        "area",
        "state",
        "phase",
        "resume_state",
        "granted_on",
        "valid_until",
        "created_at",
        "updated_at",
    ]
    # Every field: states, dates and the (profile, area) change only through the services.
    readonly_fields = fields
    inlines = [AccreditationEventInline]
    confirm_page = ConfirmPage(
        template="admin/experts/change_accreditations.html",
        form_class=TransitionForm,
        headers=[_("expert"), _("profile"), _("thematic area"), _("state"), _("valid until")],
    )

    def has_add_permission(self, request):
        # A new accreditation is a nomination or a recognition, with its first event.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_transition_permission(self, request):
        return request.user.has_perm("experts.change_accreditation")

    @admin.display(description=_("profile"), ordering="profile_type__code")
    def profile_code(self, obj):
        return obj.profile_type.code

    def describe(self, obj):
        return f"{obj.expert} · {obj.profile_type.code} · {obj.area}"

    def confirm_cells(self, obj):
        return [
            format_html("{}<br>{}", obj.expert, obj.expert.user.email),
            obj.profile_type.code,
            obj.area,
            obj.get_state_display(),
            obj.valid_until or "-",
        ]

    def confirm_expected(self, obj):
        return obj.state

    @admin.action(description=_("Suspend the selected accreditations"), permissions=["transition"])
    def suspend_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, SUSPEND)

    @admin.action(
        description=_("Reinstate the selected suspended accreditations"),
        permissions=["transition"],
    )
    def reinstate_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, REINSTATE)

    @admin.action(description=_("Withdraw the selected accreditations"), permissions=["transition"])
    def withdraw_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, WITHDRAW)

    @admin.action(description=_("Retire the selected accreditations"), permissions=["transition"])
    def retire_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, RETIRE)

    @admin.action(
        description=_("Renew the selected lapsed accreditations"), permissions=["transition"]
    )
    def renew_selected(self, request, queryset):
        return self.confirm_then_apply(request, queryset, RENEW)


# --- History -------------------------------------------------------------------------------------


@admin.register(AccreditationEvent)
class AccreditationEventAdmin(admin.ModelAdmin):
    """Browsing and searching the history; it cannot be rewritten here (or anywhere)."""

    list_display = ["at", "expert", "accreditation", "action", "from_state", "to_state", "by"]
    list_filter = ["action", "to_state"]
    search_fields = [
        "accreditation__expert__family_name",
        "accreditation__expert__given_names",
        "accreditation__expert__user__email",
    ]
    list_select_related = [
        "accreditation__expert",
        "accreditation__profile_type",
        "accreditation__area",
        "by",
    ]
    date_hierarchy = "at"
    fields = [
        "accreditation",
        "at",
        "action",
        "from_state",
        "to_state",
        "by",
        "reason",
        "internal_comment",
        "evidence",
        "valid_until",
    ]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("experts.view_accreditationevent")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("expert"), ordering="accreditation__expert__family_name")
    def expert(self, obj):
        return obj.accreditation.expert

    @admin.display(description=_("evidence"))
    def evidence(self, obj):
        return event_evidence(obj)


# --- Workshops -----------------------------------------------------------------------------------
