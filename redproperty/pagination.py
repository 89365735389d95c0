"""Counting at city scale: a list over a million complaints never counts them all."""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` + 1 rows (settings.DASHBOARD_COUNT_CAP; a LIMIT
    inside the COUNT); past the cap it says "more than" and pages up to the cap. Narrow the
    filters to reach further. The dashboard's lists and every scoped admin list use it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = settings.DASHBOARD_COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list[:self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return max(1, self.cap // self.per_page) if self.capped else super().num_pages
