"""The Atom feed of the published news, for feed readers (/feed/)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from pilots.text import without_control_characters

from .news import latest_news

FEED_SIZE = 20


def absolute(path):
    # The configured address, not the request's host: the same links as og:url.
    return settings.PORTAL_URL + path


class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Smart-water pilot programme: progress and results")
    subtitle = _(
        "News of the smart-water pilot programme of the Ministry of Water Resources."
    )

    def link(self):
        return absolute(reverse("column:news_list"))

    def feed_url(self):
        return absolute(reverse("column:news_feed"))

    def feed_guid(self):
        return self.feed_url()

    def items(self):
        return latest_news(FEED_SIZE)

    # XML holds no control characters: stored text never breaks the feed.
    def item_title(self, item):
        return without_control_characters(item.title)

    def item_description(self, item):
        return without_control_characters(item.summary)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        # Edited before its publication time: the entry is new when it appears.
        return max(item.publish_at, item.updated_at)

    def item_categories(self, item):
        names = [str(item.get_category_display()), *(u.name for u in item.units.all())]
        return [without_control_characters(name) for name in names]
