"""The bulletin's 八、需协调解决的问题: the problems overdue at the period's end, counted per district and listed
(longest overdue first) in the PDF, and every one of them in the Excel sheet."""

import io
import re

from openpyxl import load_workbook
from sqlalchemy import text

from geo.bulletin.pdf import render_pdf
from geo.bulletin.render import bulletin_data
from geo.bulletin.xlsx import render_xlsx
from geo.periods import monthly
from geo.problems.tracking import create_problem
from tests.bulletin.test_bulletin import HALF_WIDTH_BESIDE_CHINESE, pdf_text
from tests.factories import interior_point, make_project, make_user, principal_of


def _problem(session, settings, *, name, deadline, opened="2026-11-02"):
    lon, lat = interior_point(session, "districts", "荣成市")
    pid = make_project(session, district="荣成市", lon=lon, lat=lat, name=name)
    made = create_problem(
        session,
        settings=settings,
        actor=principal_of(make_user(session, role="planner")),
        project_id=pid,
        report_id=None,
        description="海域使用论证未批复,影响码头施工",
        department="市自然资源和规划局",
        action="协调省厅加快审批",
        deadline=deadline,
    )
    session.execute(text("UPDATE problems SET opened_on = :d WHERE id = :id"), {"d": opened, "id": made["id"]})
    return made["id"]


def _section(t: str) -> str:
    return t[t.index("八、需协调解决的问题") : t.index("九、下步工作")]


def test_the_months_overdue_problems_are_said_and_listed(session, settings):
    import datetime as dt

    _problem(session, settings, name="石岛湾码头升级", deadline=dt.date(2026, 11, 12))
    _problem(session, settings, name="荣成按期项目", deadline=dt.date(2026, 12, 20))
    data = bulletin_data(session, settings=settings, period=monthly("2026-11"), with_map=False)
    section = _section(pdf_text(render_pdf(data)))
    assert "截至2026年11月30日" in section
    assert re.search(r"其中超过办结时限仍未解决的\d+个（[^）]*荣成市\d+个", section), section
    flat = re.sub(r"\s+", "", section)
    assert "石岛湾码头升级" in flat and "11月12日" in flat and "海域使用论证未批复，影响码头施工" in flat
    assert "荣成按期项目" not in flat
    assert not HALF_WIDTH_BESIDE_CHINESE.search(section)
    sheet = load_workbook(io.BytesIO(render_xlsx(data)))["需协调解决的问题"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["石岛湾码头升级"][7].date() == dt.date(2026, 11, 12) and rows["石岛湾码头升级"][9] == 18
    assert rows["石岛湾码头升级"][8] == "待协调"


def test_a_month_before_any_problem_says_so(session, settings):
    data = bulletin_data(session, settings=settings, period=monthly("2026-09"), with_map=False)
    assert "截至2026年9月30日，无列入督办的问题。" in _section(pdf_text(render_pdf(data)))
