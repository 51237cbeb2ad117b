"""Lateness against a due date, in whole days in Asia/Shanghai (UTC+8)."""

import datetime
import zoneinfo

from pilots.deadlines import days_late

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2020, 7, 10)


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_days_late_met_until_the_last_second_of_the_due_day():
    assert days_late(DUE, local(2020, 7, 10, 23, 59, 59)) == 0
    assert days_late(DUE, local(2020, 7, 11, 0, 0, 0)) == 1
    assert days_late(DUE, local(2020, 7, 13, 0, 0, 0)) == 3


def test_days_late_takes_a_utc_moment_in_shanghai():
    # 16:00 UTC on the 10th is already 00:00 on the 11th in Beijing.
    utc = datetime.UTC
    assert days_late(DUE, datetime.datetime(2020, 7, 10, 15, 59, 59, tzinfo=utc)) == 0
    assert days_late(DUE, datetime.datetime(2020, 7, 10, 16, 0, 0, tzinfo=utc)) == 1


def test_days_late_of_a_day():
    assert days_late(DUE, datetime.date(2020, 7, 1)) == 0
    assert days_late(DUE, DUE) == 0
    assert days_late(DUE, datetime.date(2020, 7, 12)) == 2
