"""The charts' colours keep their contrast on white (WCAG 2 AA)."""

import pytest

from pilots import charts
from tests.svg import contrast

MEANINGFUL = {
    "PRIMARY": charts.PRIMARY,
    "ALERT": charts.ALERT,
    "TEXT": charts.TEXT,
    "AXIS_TEXT": charts.AXIS_TEXT,
    **{f"SERIES[{n}]": colour for n, colour in enumerate(charts.SERIES)},
}


@pytest.mark.parametrize("name", MEANINGFUL)
def test_chart_colour_has_aa_contrast_on_white(name):
    assert contrast(MEANINGFUL[name], "#ffffff") >= 4.5


def test_chart_series_colours_are_distinct():
    # Two tasks' lines in one chart never share a colour.
    assert len(set(charts.SERIES)) == len(charts.SERIES)
