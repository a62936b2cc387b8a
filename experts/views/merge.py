"""The Secretariat merges two records of the same person: choose the other, compare, confirm.

One address: without ``other`` it asks which record to merge; with ``other`` (a query parameter,
so a duplicate warning can link straight here) it compares the two; a POST merges them.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from experts.forms.merge import ChooseOtherForm, MergeForm
from experts.models import Accreditation, AccreditationRequest, Expert, WorkshopParticipant
from experts.permissions import get_expert_for_user, secretariat_required
from experts.services import merge


@secretariat_required
def merge_expert(request, pk):
    survivor = get_expert_for_user(
        request.user, pk, Expert.objects.select_related("user", "home_administration")
    )
    data = request.POST if request.method == "POST" else request.GET
    if "other" not in data:
        return _choose(request, survivor, ChooseOtherForm(survivor=survivor))
    choose = ChooseOtherForm(data, survivor=survivor)
    if not choose.is_valid():
        return _choose(request, survivor, choose, status=400)
    other = choose.cleaned_data["other"]
    if request.method != "POST":
        return _compare(request, survivor, other, MergeForm(survivor, other))

    form = MergeForm(survivor, other, data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was merged. Please check the choices below."))
        return _compare(request, survivor, other, form, status=400)
    try:
        merge.merge_experts(
            survivor,
            other,
            choices=form.merge_choices(),
            by=request.user,
            expected_versions=form.cleaned_data["versions"],
        )
    except merge.MergeError as error:
        messages.error(request, error.message)
        # The page is shown afresh from the current records: what the officer reviews again.
        return _compare(request, survivor, other, MergeForm(survivor, other), status=409)
    messages.success(
        request,
        _("%(other)s (record %(number)s) was merged into this record.")
        % {"other": other.full_name, "number": other.pk},
    )
    return redirect("secretariat:expert_detail", pk=survivor.pk)


def _choose(request, survivor, form, *, status=200):
    return render(
        request,
        "experts/merge/choose.html",
        {"expert": survivor, "form": form},
        status=status,
    )


def _compare(request, survivor, other, form, *, status=200):
    return render(
        request,
        "experts/merge/compare.html",
        {
            "expert": survivor,
            "other": other,
            "form": form,
            "moving": moving_rows(survivor, other),
            "conflicts": merge.live_conflicts(survivor, other),
        },
        status=status,
    )


def moving_rows(survivor: Expert, other: Expert) -> list[tuple[str, list[str]]]:
    """What the comparison page lists as moving to the survivor: (kind, descriptions), with
    the duplicates' outcome spelled out as _move_related will decide it."""
    mine_languages = {row.language_id: row for row in survivor.languages.all()}
    languages = []
    for row in other.languages.select_related("language"):
        kept = mine_languages.get(row.language_id)
        if kept is None:
            languages.append(str(row))
        elif kept.proficiency >= row.proficiency:
            languages.append(
                _("%(row)s: this record already has %(level)s, which is kept")
                % {"row": row, "level": kept.get_proficiency_display()}
            )
        else:
            languages.append(_("%(row)s: replaces the lower level of this record") % {"row": row})
    mine_areas = {row.area_id: row for row in survivor.expertise.all()}
    expertise = []
    for row in other.expertise.select_related("area"):
        kept = mine_areas.get(row.area_id)
        entry = _("%(area)s, %(years)s years") % {"area": row.area, "years": row.years}
        if kept is None:
            expertise.append(entry)
        elif kept.years >= row.years:
            expertise.append(
                _("%(entry)s: this record already has %(years)s years, which is kept")
                % {"entry": entry, "years": kept.years}
            )
        else:
            expertise.append(_("%(entry)s: replaces this record's entry") % {"entry": entry})
    accreditations = Accreditation.objects.filter(expert=other).select_related(
        "profile_type", "area"
    )
    sections = [
        (_("Languages"), languages),
        (_("Areas of expertise"), expertise),
        (_("Education"), [str(row) for row in other.education.all()]),
        (_("Work history"), [str(row) for row in other.work_history.all()]),
        (_("Unavailable periods"), [str(row) for row in other.unavailable_periods.all()]),
        (_("Documents"), [str(row) for row in other.documents.all()]),
        (
            _("Accreditations, with their history"),
            [str(row) for row in accreditations],
        ),
        (
            _("Accreditation requests"),
            [str(row) for row in AccreditationRequest.objects.filter(expert=other)],
        ),
        (
            _("Workshop seats"),
            [
                str(seat.workshop)
                for seat in WorkshopParticipant.objects.filter(expert=other).select_related(
                    "workshop"
                )
            ],
        ),
    ]
    return [(title, rows) for title, rows in sections if rows]
