"""The missions app's part of the Secretariat's page of an expert: their mission history, from
real assignments. A tag, so the experts app's view and templates import nothing upward."""

from django import template

from missions.models import Assignment

register = template.Library()


@register.inclusion_tag("missions/_expert_missions.html")
def expert_missions(expert):
    """Every seat the expert held or holds, latest first, with its evaluation (one query)."""
    seats = (
        Assignment.objects.filter(expert=expert)
        .select_related("position__mission", "evaluation")
        .order_by("-position__mission__start_date", "-pk")
    )
    return {"seats": list(seats)}
