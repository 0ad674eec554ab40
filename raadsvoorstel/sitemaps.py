"""The sitemap: the public pages only, built from the same queries as the pages themselves
(`permissions.public_decisions()` and `public_plans()`), so nothing else can slip in."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from . import permissions
from .models import Municipality


class IndexSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["public_municipalities"]

    def location(self, item: str) -> str:
        return reverse(item)


class MunicipalitySitemap(Sitemap):
    """Each municipality's list of public decisions."""

    def items(self):
        return (
            Municipality.objects.filter(proposals__in=permissions.public_decisions())
            .annotate(latest=Max("proposals__decision__meeting_date"))
            .order_by("code")
        )

    def location(self, item: Municipality) -> str:
        return reverse("public_decisions", kwargs={"code": item.code})

    def lastmod(self, item: Municipality):
        return item.latest


class DecisionSitemap(Sitemap):
    def items(self):
        return (
            permissions.public_decisions()
            .select_related("municipality", "decision")
            .order_by("municipality__code", "number")
        )

    def location(self, item) -> str:
        return item.get_public_url()

    def lastmod(self, item):
        return item.updated_at


class PlanSitemap(Sitemap):
    def items(self):
        return permissions.public_plans().order_by("code")

    def location(self, item) -> str:
        return item.get_public_url()


SITEMAPS = {
    "openbaar": IndexSitemap,
    "gemeenten": MunicipalitySitemap,
    "besluiten": DecisionSitemap,
    "plannen": PlanSitemap,
}
