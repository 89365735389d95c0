"""The one jurisdiction rule.

Every model that belongs somewhere has a QuerySet built on `JurisdictionQuerySet` and
answers `Model.objects.visible_to(user)`. A model says *where* it lives by naming two
lookups: the path from it to its `Community` and the path from it to the `PropertyFirm`
whose staff may see it. This module turns the user's `StaffProfile` into a filter on
those paths; nothing else in the code base filters by jurisdiction.

- superusers see everything;
- district staff see their district, subdistrict staff their subdistrict, community
  workers their community, firm staff what their firm serves;
- anyone else (anonymous, inactive, no profile) sees nothing.
"""
from __future__ import annotations

from django.db import models
from django.db.models import F, Q

ROLE_DISTRICT = "district"
ROLE_SUBDISTRICT = "subdistrict"
ROLE_COMMUNITY = "community"
ROLE_FIRM = "firm"

# properties.models.SERVING_STATUSES, spelled out here because this module imports no app.
SERVING_CONTRACT_STATUSES = ("active", "exit_review")


def staff_profile_of(user):
    """Return the user's StaffProfile or None. Costs one query, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.staff_profile
    except Exception:  # RelatedObjectDoesNotExist: a user without a profile
        return None


def _join(prefix: str, rest: str) -> str:
    return f"{prefix}__{rest}" if prefix else rest


def _crosses_many(model, q: Q) -> bool:
    """Whether any lookup in q walks through a to-many relation."""
    for child in q.children:
        if isinstance(child, Q):
            if _crosses_many(model, child):
                return True
            continue
        opts = model._meta
        for part in child[0].split("__")[:-1]:
            field = opts.pk if part == "pk" else opts.get_field(part)
            if not field.is_relation:
                break
            if field.many_to_many or field.one_to_many:
                return True
            opts = field.related_model._meta
    return False


class JurisdictionQuerySet(models.QuerySet):
    """Base QuerySet of every scoped model.

    Subclasses set:
      community_lookup -- path from the model to Community ("" when the model *is* Community),
                          or None when the model has no community (then only district staff
                          and firm staff through firm_lookup see it);
      firm_lookup      -- path from the model to PropertyFirm ("" when it *is* PropertyFirm),
                          or None when firm staff see none of it;
      district_lookup  -- path to District, used for district staff in place of the
                          community path (for records above or outside communities).
      firm_dated_by    -- for records a firm reaches through a complex's contracts: the record's
                          date field. Firm staff then see only records dated within one of
                          their serving contracts at that complex (their own results, not
                          those of the firm that served the complex before).
    Lookups crossing a to-many relation are applied as `pk__in` sub-queries, so results
    never repeat rows.
    """

    community_lookup: str | None = None
    firm_lookup: str | None = None
    district_lookup: str | None = None
    firm_dated_by: str | None = None
    # Records whose (nullable) first step towards a community is empty concern the district
    # as a whole (a firm-wide credit event, a firm's evaluation roll-up): district staff see them.
    district_sees_unplaced: bool = False

    def scope_q(self, profile) -> Q | None:
        """The filter for one StaffProfile; None means "nothing"."""
        role = profile.role
        c = self.community_lookup
        if role == ROLE_FIRM:
            if self.firm_lookup is None or not profile.firm_id:
                return None
            q = Q(**{_join(self.firm_lookup, "id") if self.firm_lookup else "id": profile.firm_id})
            if self.firm_lookup.endswith("contracts__firm"):
                # A firm reaches a complex through a contract only while that contract serves
                # it; the same filter() call keeps both conditions on one contract row.
                contract = self.firm_lookup[: -len("firm")]
                q &= Q(**{f"{contract}status__in": SERVING_CONTRACT_STATUSES})
                if self.firm_dated_by:
                    dated = F(self.firm_dated_by)
                    q &= Q(**{f"{contract}start_date__lte": dated}) & (
                        Q(**{f"{contract}end_date__isnull": True}) | Q(**{f"{contract}end_date__gte": dated}))
            return q
        if role == ROLE_DISTRICT:
            if self.district_lookup is not None:
                return Q(**{_join(self.district_lookup, "id") if self.district_lookup else "id": profile.district_id})
            if c is not None:
                q = Q(**{_join(c, "subdistrict__district_id"): profile.district_id})
                if self.district_sees_unplaced:
                    q |= Q(**{f"{c.split('__')[0]}__isnull": True})
                return q
            return None
        if c is None:
            return None
        if role == ROLE_SUBDISTRICT:
            return Q(**{_join(c, "subdistrict_id"): profile.subdistrict_id})
        if role == ROLE_COMMUNITY:
            return Q(**{_join(c, "id"): profile.community_id})
        return None

    def visible_to(self, user):
        """The records `user` may see. Costs no query of its own beyond the profile lookup."""
        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self
        profile = staff_profile_of(user)
        if profile is None:
            return self.none()
        q = self.scope_q(profile)
        if q is None:
            return self.none()
        if _crosses_many(self.model, q):
            # A sub-query, so that a to-many path cannot repeat rows.
            return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
        return self.filter(q)


class JurisdictionManager(models.Manager.from_queryset(JurisdictionQuerySet)):
    pass
