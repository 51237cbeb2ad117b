from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColumnConfig(AppConfig):
    """The public progress column (进展专栏, notice 六.4): the top floor; nothing
    imports it."""

    name = "column"
    verbose_name = _("Progress column")

    def ready(self):
        # Signals of the models the public pages show, so a change drops the cache
        # and reaches the search index.
        from . import cache, search_index

        cache.connect_signals()
        search_index.connect_signals()
