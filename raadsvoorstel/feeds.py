"""An Atom feed per municipality of its public decisions, newest first: the same query as
the public list (`permissions.public_decisions()`), so a feed never carries anything else."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import permissions
from .models import Municipality, Proposal, Theme

FEED_ITEMS = 50


class MunicipalityDecisionsFeed(Feed):
    feed_type = Atom1Feed
    language = "nl"

    def get_object(self, request, code: str) -> Municipality:
        return get_object_or_404(Municipality, code=code)

    def title(self, obj: Municipality) -> str:
        return _("Openbare besluiten van de gemeenteraad van %(name)s") % {"name": obj.name}

    def subtitle(self, obj: Municipality) -> str:
        return _("De ondertekende raadsbesluiten uit openbare vergaderingen, de nieuwste eerst.")

    def link(self, obj: Municipality) -> str:
        return reverse("public_decisions", kwargs={"code": obj.code})

    def author_name(self, obj: Municipality) -> str:
        return _("Gemeente %(name)s") % {"name": obj.name}

    def items(self, obj: Municipality):
        return (
            permissions.public_decisions()
            .filter(municipality=obj)
            .select_related("municipality", "decision")
            .prefetch_related(Prefetch("themes", queryset=Theme.objects.select_related("parent")))
            .order_by("-decision__meeting_date", "-date", "-number")[:FEED_ITEMS]
        )

    def item_title(self, item: Proposal) -> str:
        return f"{item.number} {item.subject}"

    def item_description(self, item: Proposal) -> str:
        # An Atom summary of type "html": the text is escaped so that it stays text.
        decision = item.decision
        summary = _("Raadsvergadering van %(date)s: %(result)s.") % {
            "date": date_format(decision.meeting_date, "j F Y"),
            "result": decision.get_result_display(),
        }
        if decision.advice:
            summary += " " + _("Advies: %(advice)s.") % {"advice": decision.get_advice_display()}
        return escape(summary)

    def item_link(self, item: Proposal) -> str:
        return item.get_public_url()

    def item_pubdate(self, item: Proposal) -> datetime.datetime:
        return _start_of(item.decision.meeting_date)

    def item_updateddate(self, item: Proposal) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: Proposal) -> list[str]:
        return [theme.path for theme in item.themes.all()]


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
