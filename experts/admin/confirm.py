"""Admin actions confirmed on an intermediate page with a reason, one row per transaction."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ObjectDoesNotExist
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from experts.models import (
    AccreditationEvent,
    AccreditationRequest,
)
from experts.services.accreditation import transitions

# --- Actions confirmed on an intermediate page --------------------------------------------------


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the expert)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        error_messages={
            "required": _("Please give a reason: it is recorded and shown to the expert.")
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TransitionForm(DecisionForm):
    internal_comment = forms.CharField(
        label=_("Internal comment (seen by the Secretariat only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


@dataclass(frozen=True)
class BulkAction:
    """One admin action: what its confirmation page asks, and what it does to each row."""

    name: str
    title: str
    button: str
    done: str  # ngettext_lazy(..., "count")
    # apply(request, row, cleaned_data) calls one service; AccreditationError refuses the row.
    apply: Callable


@dataclass
class ConfirmRow:
    pk: int
    cells: list
    expected: str = ""


@dataclass
class ConfirmPage:
    template: str
    form_class: type[forms.Form]
    headers: list = field(default_factory=list)


def _posted_ids(request) -> list[int]:
    ids = set()
    for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
        try:
            ids.add(int(value))
        except ValueError:
            continue
    return sorted(ids)


class ConfirmedActionsMixin:
    """The standard intermediate page of an admin action, with a reason to give.

    The first POST (from the changelist) shows the selected rows and a form; the page posts back
    with ``action``, the ids in ``_selected_action`` and ``apply=1``. Then each row goes through
    its service on its own (sorted by pk, so concurrent runs lock rows in the same order): a
    refused row gets an error message and the others are still processed.
    """

    confirm_page: ConfirmPage

    def confirm_cells(self, obj) -> list:
        raise NotImplementedError

    def confirm_expected(self, obj) -> str:
        return ""

    def describe(self, obj) -> str:
        return str(obj)

    def confirm_then_apply(self, request, queryset, bulk: BulkAction):
        page = self.confirm_page
        if request.POST.get("apply"):
            # The ids posted back, not the changelist's queryset: a row that left the current
            # filter meanwhile (e.g. decided by someone else) must still get its message.
            rows = list(
                self.get_queryset(request)
                .filter(pk__in=_posted_ids(request))
                .select_related(*self.list_select_related)
                .order_by("pk")
            )
            form = page.form_class(request.POST)
            if form.is_valid():
                self._apply_each(request, rows, bulk, form.cleaned_data)
                return None
        else:
            rows = list(queryset)
            form = page.form_class()
        opts = self.model._meta
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": bulk.title,
            "opts": opts,
            "form": form,
            "headers": page.headers,
            "rows": [
                ConfirmRow(o.pk, self.confirm_cells(o), self.confirm_expected(o)) for o in rows
            ],
            "action": bulk.name,
            "button": bulk.button,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(request, page.template, context)

    def _apply_each(self, request, rows, bulk, data):
        done = 0
        for row in rows:
            try:
                bulk.apply(request, row, data)
            except transitions.AccreditationError as error:
                self._refused(request, row, error.message)
            except ObjectDoesNotExist:
                self._refused(request, row, gettext("It no longer exists."))
            else:
                done += 1
        if done:
            self.message_user(request, bulk.done % {"count": done}, messages.SUCCESS)

    def _refused(self, request, row, message):
        text = gettext("%(row)s: %(message)s") % {"row": self.describe(row), "message": message}
        self.message_user(request, text, messages.ERROR)


# --- Shared display helpers ----------------------------------------------------------------------


def document_link(document):
    if document is None:
        return ""
    return format_html(
        '<a href="{}">{}</a>',
        reverse("experts:document", args=[document.pk]),
        document.original_name,
    )


def request_subject(obj: AccreditationRequest) -> str:
    if obj.accreditation_id:
        return str(obj.accreditation)
    if obj.area_id:
        return f"{obj.profile_type.code} · {obj.area}"
    return "-"


def event_transition(event: AccreditationEvent) -> str:
    return f"{event.get_from_state_display() or '-'} → {event.get_to_state_display()}"


def event_evidence(event: AccreditationEvent):
    parts = []
    if event.evidence_document_id:
        parts.append(document_link(event.evidence_document))
    if event.evidence_workshop_id:
        parts.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:experts_workshop_change", args=[event.evidence_workshop_id]),
                event.evidence_workshop,
            )
        )
    if event.evidence_evaluation:
        evaluation = event.evidence_evaluation
        result = gettext("passed") if evaluation.get("passed") else gettext("not passed")
        parts.append(
            gettext("Field evaluation %(mission)s: %(result)s (evaluator: %(evaluator)s)")
            % {
                "mission": evaluation.get("mission") or "",
                "result": result,
                "evaluator": evaluation.get("evaluator") or "-",
            }
        )
    return format_html_join(", ", "{}", ((part,) for part in parts)) or "-"


# --- The review queue ----------------------------------------------------------------------------
