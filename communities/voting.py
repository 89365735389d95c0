"""The owners' vote under the Civil Code, article 278.

Matters the owners decide jointly need owners holding at least two thirds of the exclusive
floor area *and* at least two thirds of the owners to take part. Electing the owners'
committee and hiring or dismissing a property-service firm (items 3 and 4) then need more
than half of the participating area *and* more than half of the participating owners.
Everything here is integer or Decimal arithmetic: no rounding decides a vote."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Turnout:
    """Who took part in a vote, against the whole complex."""

    owners_total: int
    area_total: Decimal
    owners_voting: int
    area_voting: Decimal

    def validate(self) -> None:
        """Raise ValidationError (field keys) when the figures cannot be true."""
        errors = {}
        if self.owners_total is None or self.owners_total < 1:
            errors["owners_total"] = _("Enter the number of owners (at least 1).")
        if self.area_total is None or self.area_total <= 0:
            errors["area_total"] = _("Enter the total exclusive floor area (more than 0 m²).")
        if self.owners_voting is None or self.owners_voting < 0:
            errors["owners_voting"] = _("Enter how many owners voted.")
        elif not errors.get("owners_total") and self.owners_voting > self.owners_total:
            errors["owners_voting"] = _("More owners voted than there are: check the two figures.")
        if self.area_voting is None or self.area_voting < 0:
            errors["area_voting"] = _("Enter the floor area of the owners who voted.")
        elif not errors.get("area_total") and self.area_voting > self.area_total:
            errors["area_voting"] = _("The voting area exceeds the total area: check the two figures.")
        if errors:
            raise ValidationError(errors)

    @property
    def quorum_met(self) -> bool:
        """At least two thirds of the area and two thirds of the owners took part."""
        return self.owners_voting * 3 >= self.owners_total * 2 and self.area_voting * 3 >= self.area_total * 2

    def approves(self, owners_for: int, area_for: Decimal) -> bool:
        """More than half of the participating owners and of the participating area voted for."""
        return self.quorum_met and owners_for * 2 > self.owners_voting and area_for * 2 > self.area_voting

    def check_votes(self, owners_for, area_for, field: str = "votes") -> None:
        """Raise ValidationError when the votes for something exceed those who voted."""
        if owners_for is None or area_for is None or owners_for < 0 or area_for < 0:
            raise ValidationError({field: _("Enter the votes for by head and by floor area.")})
        if owners_for > self.owners_voting or area_for > self.area_voting:
            raise ValidationError({field: _("More votes for than owners (or floor area) who voted: check the figures.")})

    def describe(self) -> str:
        return _(
            "%(owners)d of %(owners_total)d owners (%(owners_pct)s%%) holding %(area)s of %(area_total)s m² "
            "(%(area_pct)s%%) took part."
        ) % {
            "owners": self.owners_voting, "owners_total": self.owners_total,
            "owners_pct": _percent(self.owners_voting, self.owners_total),
            "area": self.area_voting, "area_total": self.area_total,
            "area_pct": _percent(self.area_voting, self.area_total),
        }


def _percent(part, whole) -> str:
    return f"{Decimal(part) * 100 / Decimal(whole):.1f}" if whole else "0.0"
