"""The governance workflows on a complex's dashboard page: its firm exits (and their outcome),
each read through visible_to() so that the page shows only what the user may see."""
from __future__ import annotations

from django import template

from properties.models import ContractExit

register = template.Library()


@register.inclusion_tag("dashboard/_complex_exits.html", takes_context=True)
def complex_exits(context, complex):
    """The complex's firm exits, newest first (one query)."""
    user = context["request"].user
    exits = (ContractExit.objects.visible_to(user).filter(complex=complex)
             .select_related("contract__firm", "successor_firm").order_by("-opened_on", "-pk"))
    return {"exits": list(exits)}


@register.inclusion_tag("dashboard/_complex_mediations.html", takes_context=True)
def complex_mediations(context, complex):
    """The complex's mediation cases with their outcome, newest first (one query)."""
    from communities.models import MediationCase

    user = context["request"].user
    cases = MediationCase.objects.visible_to(user).filter(complex=complex).order_by("-opened_on", "-pk")
    return {"cases": list(cases)}
