"""Reporting periods: months ('2026-10') and quarters ('2026-Q3'), parsed once with actionable errors."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from geo.errors import InvalidInput

LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # the users' clock (Weihai), whatever the server's zone
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse_month(raw: str | None, *, field: str = "month") -> dt.date | None:
    """'2026-10' → date(2026, 10, 1); empty → None; anything else raises InvalidInput."""
    if raw is None or raw == "":
        return None
    m = _MONTH.match(raw.strip())
    if not m or not (1 <= int(m.group(2)) <= 12) or not (1900 <= int(m.group(1)) <= 2999):
        raise InvalidInput(
            f"月份应写成 YYYY-MM,例如 2026-10;收到 {raw!r} / {field} must be YYYY-MM, e.g. 2026-10",
            errors=[{"field": field, "message": "expected YYYY-MM"}],
        )
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def local_today(pinned: dt.date | None = None) -> dt.date:
    """Today in Weihai, or the pinned date (settings.today) when one is set."""
    return pinned or dt.datetime.now(LOCAL_TZ).date()


def current_month() -> dt.date:
    """First day of this month in Weihai."""
    return dt.datetime.now(LOCAL_TZ).date().replace(day=1)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month containing `month`."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month n months after `month` (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    """date(2026, 10, 1) → '2026-10'."""
    return f"{month.year:04d}-{month.month:02d}"


@dataclass(frozen=True)
class Period:
    """A reporting period of whole months, first..last inclusive (a month or a quarter)."""

    kind: str  # "monthly" | "quarterly"
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        """'2026-10' or '2026-Q3'."""
        return (
            month_label(self.last) if self.kind == "monthly" else f"{self.last.year}-Q{(self.last.month - 1) // 3 + 1}"
        )

    @property
    def title_zh(self) -> str:
        """'2026年10月' or '2026年第三季度'."""
        if self.kind == "monthly":
            return f"{self.last.year}年{self.last.month}月"
        return f"{self.last.year}年第{'一二三四'[(self.last.month - 1) // 3]}季度"

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        return month_end(self.last)

    @property
    def year_start(self) -> dt.date:
        """January of the period's (last month's) year."""
        return dt.date(self.last.year, 1, 1)


def monthly(raw: str) -> Period:
    """The monthly period for '2026-10'."""
    month = parse_month(raw)
    if month is None:
        raise InvalidInput(
            "请给出月份 YYYY-MM / a month YYYY-MM is required", errors=[{"field": "month", "message": "required"}]
        )
    return Period("monthly", month, month)


def quarterly(raw: str) -> Period:
    """The quarterly period for '2026-Q3' (July–September 2026)."""
    m = _QUARTER.match((raw or "").strip())
    if not m or not (1900 <= int(m.group(1)) <= 2999):
        raise InvalidInput(
            f"季度应写成 YYYY-Qn,例如 2026-Q3;收到 {raw!r} / quarter must be YYYY-Qn, e.g. 2026-Q3",
            errors=[{"field": "quarter", "message": "expected YYYY-Qn"}],
        )
    year, q = int(m.group(1)), int(m.group(2))
    return Period("quarterly", dt.date(year, 3 * q - 2, 1), dt.date(year, 3 * q, 1))
