"""The arithmetic of a round, on plain numbers (no queries).

Weighted total of one expert: sum(score / max * weight) / sum(weight) * 100, so the
weights need not add up to 100. A trimmed mean drops one highest and one lowest
total and needs at least TRIM_MINIMUM experts; with fewer it falls back to the mean.
"""

import dataclasses
import statistics
from decimal import ROUND_HALF_UP, Decimal

TRIM_MINIMUM = 5
TWO = Decimal("0.01")


def q(value):
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_total(criteria, values):
    """criteria: [(pk, weight, max_score)]; values: {pk: score}. None if incomplete."""
    if not criteria or any(pk not in values for pk, _w, _m in criteria):
        return None
    total_weight = sum(Decimal(w) for _pk, w, _m in criteria)
    points = sum(Decimal(values[pk]) / Decimal(m) * Decimal(w) for pk, w, m in criteria)
    return q(points / total_weight * 100)


def aggregate(totals, method):
    """(value, method used) of expert totals; None when nobody scored."""
    totals = [Decimal(t) for t in totals]
    if not totals:
        return None, method
    if method == "median":
        return q(statistics.median(totals)), "median"
    if method == "trimmed":
        if len(totals) >= TRIM_MINIMUM:
            kept = sorted(totals)[1:-1]
            return q(sum(kept) / len(kept)), "trimmed"
        method = "mean"
    return q(sum(totals) / len(totals)), method


def spread(totals):
    return q(max(totals) - min(totals)) if totals else None


def grade(value, *, excellent, good, passing):
    """优秀/良好/合格/不合格 as a key: excellent, good, pass, fail."""
    if value is None:
        return ""
    if value >= excellent:
        return "excellent"
    if value >= good:
        return "good"
    if value >= passing:
        return "pass"
    return "fail"


@dataclasses.dataclass
class Result:
    totals: list  # per expert, in sheet order
    value: Decimal | None
    method: str
    fell_back: bool
    spread: Decimal | None
    disagreement: bool
    below_minimum: list  # criterion names whose mean is under their minimum


def summarise(*, criteria, sheets, method, disagreement):
    """criteria: Criterion rows; sheets: [{criterion pk: value}] of submitted sheets."""
    triples = [(c.pk, c.weight, c.max_score) for c in criteria]
    totals = [t for t in (weighted_total(triples, s) for s in sheets) if t is not None]
    value, used = aggregate(totals, method)
    gap = spread(totals)
    below = []
    for c in criteria:
        if c.minimum is None:
            continue
        given = [Decimal(s[c.pk]) for s in sheets if c.pk in s]
        if given and sum(given) / len(given) < c.minimum:
            below.append(c.name)
    return Result(
        totals=totals,
        value=value,
        method=used,
        fell_back=used != method,
        spread=gap,
        disagreement=gap is not None and gap > disagreement,
        below_minimum=below,
    )
