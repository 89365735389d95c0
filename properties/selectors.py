"""Reads of properties/ that span relations: the complexes no one is responsible for."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery

from communities.models import ManagementMode, ResidentialComplex

from .models import SERVING_STATUSES, ContractExit, ExitStatus, ServiceContract

# The community hosts the complex (托管, the interim manager) or its owners govern it themselves:
# someone is responsible without a firm's contract.
ATTENDED_MODES = (ManagementMode.COMMUNITY_HOSTED, ManagementMode.SELF_GOVERNED)


def unattended_complex_list(user):
    """The complexes in `user`'s jurisdiction that nobody is responsible for: no serving contract,
    no interim manager (the community hosting it, or owners governing themselves), and no incoming
    firm named by a finished handover. Annotates `last_firm_name` and `last_ended_on` (the firm
    that served last). One query, whatever the number of rows."""
    contracts = ServiceContract.objects.filter(complex=OuterRef("pk"))
    last = contracts.exclude(ended_on__isnull=True).order_by("-ended_on", "-pk")
    incoming = ContractExit.objects.filter(complex=OuterRef("pk"), status=ExitStatus.CONTRACTING)
    return (
        ResidentialComplex.objects.visible_to(user)
        .exclude(management_mode__in=ATTENDED_MODES)
        .filter(~Exists(contracts.filter(status__in=SERVING_STATUSES)), ~Exists(incoming))
        .select_related("community__subdistrict")
        .annotate(last_firm_name=Subquery(last.values("firm__name")[:1]),
                  last_ended_on=Subquery(last.values("ended_on")[:1]))
        .order_by("community__code", "name")
    )
