"""The day a build is made as of: today in UTC, or the day SOURCE_DATE_EPOCH gives.

The reproducible-builds convention: a build can be repeated as of any date, and everything that
depends on the day (what is overdue, which dates are in the future, the latest year a date may
have) follows it, never the wall clock alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import os

from .problems import UsageError


def build_date() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH gives (the reproducible-builds convention), in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return _day_of(epoch) if epoch else dt.datetime.now(dt.UTC).date()


@functools.cache
def _day_of(epoch: str) -> dt.date:
    """The day of SOURCE_DATE_EPOCH's value (asked for once per date field checked, so kept)."""
    try:
        day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        day = None
    if day is None or not 1970 <= day.year <= dt.datetime.now(dt.UTC).year + 1:
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a time from 1970 to next year; give the "
                         "seconds since 1970-01-01 (e.g. from `git log -1 --format=%ct`), or unset it")
    return day
