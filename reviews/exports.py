"""The ranking table of a round as CSV or XLSX (same columns, same order), built
by the Celery task `reviews.build_export` (pilots/exportjobs.py): `request` asks
for it, `table_for` is what the task passes down to build it."""

from django.utils.translation import gettext as _

from pilots import exportjobs
from pilots.sheets import NUMBER, TEXT, Column, Table

from . import services
from .models import Round

BUILD_TASK = "reviews.build_export"
KIND = "reviews.ranking"


def ranking_table(round_):
    """The ranking, ready for a spreadsheet."""
    criteria, rows = services.round_results(round_)

    def lines():
        for row in rows:
            result = row["result"]
            decision = row["decision"]
            yield [
                row["rank"] or "",
                row["submission"].unit.name,
                len(result.totals),
                float(result.value) if result.value is not None else "",
                str(Round.Method(result.method).label),
                float(result.spread) if result.spread is not None else "",
                _("yes") if result.disagreement else "",
                "; ".join(result.below_minimum),
                str(decision.get_outcome_display()) if decision else "",
            ]

    return Table(
        _("Ranking"),
        [
            Column(_("Rank"), NUMBER),
            Column(_("Unit"), TEXT, 24),
            Column(_("Experts"), NUMBER),
            Column(_("Aggregate"), NUMBER),
            Column(_("Method"), TEXT),
            Column(_("Spread"), NUMBER),
            Column(_("Disagreement"), TEXT),
            Column(_("Below a criterion minimum"), TEXT, 30),
            Column(_("Decision"), TEXT),
        ],
        lines(),
        total=len(rows),
    )


def request(*, round_, fmt, user, back_url):
    """Ask for the ranking of `round_` as `fmt` (pilots.exportjobs)."""
    return exportjobs.request_export(
        kind=KIND,
        fmt=fmt,
        params={"round": round_.pk},
        user=user,
        task=BUILD_TASK,
        filename=f"round-{round_.pk}.{fmt}",
        back_url=back_url,
    )


def table_for(job):
    """The Table of a job `request` made: what the Celery task passes down."""
    return ranking_table(Round.objects.get(pk=job.params["round"]))
