from decimal import Decimal

from reviews.aggregation import aggregate, grade, spread, weighted_total


def test_weighted_total_weights_not_summing_to_100():
    # weights 2 and 1 (sum 3): (8/10*2 + 3/5*1) / 3 * 100 = (1.6 + 0.6) / 3 * 100
    criteria = [(1, Decimal(2), Decimal(10)), (2, Decimal(1), Decimal(5))]
    assert weighted_total(criteria, {1: 8, 2: 3}) == Decimal("73.33")


def test_weighted_total_incomplete_sheet_is_none():
    criteria = [(1, Decimal(2), Decimal(10)), (2, Decimal(1), Decimal(5))]
    assert weighted_total(criteria, {1: 8}) is None


def test_aggregate_mean_median():
    assert aggregate([80, 70, 90], "mean") == (Decimal("80.00"), "mean")
    assert aggregate([80, 70, 100], "median") == (Decimal("80.00"), "median")


def test_aggregate_trimmed_drops_extremes_with_five_experts():
    assert aggregate([50, 70, 80, 90, 100], "trimmed") == (Decimal("80.00"), "trimmed")


def test_aggregate_trimmed_falls_back_to_mean_with_few_experts():
    assert aggregate([50, 70, 90], "trimmed") == (Decimal("70.00"), "mean")


def test_spread_and_grade():
    assert spread([Decimal("61.5"), Decimal("90")]) == Decimal("28.50")
    kw = {"excellent": 90, "good": 75, "passing": 60}
    assert [grade(v, **kw) for v in (95, 80, 60, 59)] == [
        "excellent",
        "good",
        "pass",
        "fail",
    ]
