"""The assessment's criteria (考核指标): what each measures, how its raw value becomes a 0–100 score, and the check
of the weights (settings.assessment_weights, one table for districts and one for lead departments).

Every raw value is a percentage computed from a numerator and a denominator the breakdown shows; the score is the raw
value capped at 100 (investment may run ahead of plan). A criterion whose denominator is 0 for a unit in a period has
no data (无数据): it is left out and the other weights are re-spread in proportion, so the total stays out of 100.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("district", "department")


@dataclass(frozen=True)
class Criterion:
    """One criterion: its code, names and the rule that makes its raw value, in words."""

    code: str
    name: str  # Chinese, as the officials read it
    name_en: str
    rule: str  # how the raw value is computed, in Chinese
    rule_en: str
    at_end: bool  # measured at the period's end (a state), not summed over its months


DISTRICT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "timeliness",
        "填报及时率",
        "reports on time",
        "截止日(次月报送日)前报送的项目月报 ÷ 应报项目月报",
        "monthly project reports filed by the due day ÷ reports due",
        False,
    ),
    Criterion(
        "review",
        "审核通过率",
        "review pass rate",
        "审核通过的报送 ÷ 已审核的报送(通过 + 退回)",
        "submissions passed ÷ submissions reviewed (passed + returned)",
        False,
    ),
    Criterion(
        "investment",
        "投资完成率",
        "investment against plan",
        "年初至期末完成投资 ÷ 同期计划投资(月度投资计划累计;无月度计划的项目按年度计划 × 月数 ÷ 12),"
        "超过 100% 按 100 分",
        "investment completed this year to the period's end ÷ the plan to date (the monthly investment plans summed; "
        "without one, year plan × months ÷ 12), capped at 100",
        True,
    ),
    Criterion(
        "lights",
        "亮灯情况",
        "traffic lights",
        "(绿灯 + 0.5 × 黄灯)÷ 项目数,期末状态",
        "(green + 0.5 × yellow) ÷ projects, at the period's end",
        True,
    ),
    Criterion(
        "milestones",
        "节点按期完成率",
        "milestones on time",
        "计划日期在本期内且按期完成的节点 ÷ 计划日期在本期内的节点",
        "milestones planned in the period and done by their date ÷ milestones planned in the period",
        False,
    ),
    Criterion(
        "problems",
        "问题按期解决率",
        "problems resolved in time",
        "办结期限在本期内且按期销号的问题 ÷ 办结期限在本期内的问题",
        "problems due in the period and closed by their deadline ÷ problems due in the period",
        False,
    ),
    Criterion(
        "photos",
        "照片核验率",
        "evidence photos verified",
        "有核验合格现场照片的项目月 ÷ 应报项目月",
        "project-months with a verified site photo ÷ project-months due",
        False,
    ),
    Criterion(
        "tours",
        "观摩评分",
        "inspection tour score",
        "本期观摩打分的加权平均(本区市被观摩项目的平均分);本期无观摩为无数据",
        "the period's weighted inspection-tour score (mean over the district's toured projects); no tour: no data",
        False,
    ),
)

DEPARTMENT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "timeliness",
        "填报及时率",
        "reports on time",
        "截止日前报送的牵头任务月报 ÷ 应报任务月报(已完成的任务此后不再应报)",
        "monthly task reports filed by the due day ÷ reports due (a completed task is due no more)",
        False,
    ),
    Criterion(
        "task_status",
        "任务推进",
        "task status",
        "(已完成 + 按计划推进)÷ 牵头任务数,期末状态;滞后(红灯)不得分",
        "(completed + on schedule) ÷ tasks led, at the period's end; lagging (red) scores nothing",
        True,
    ),
    Criterion(
        "task_lights",
        "任务亮灯",
        "task lights",
        "(绿灯 + 0.5 × 黄灯)÷ 牵头任务数,期末状态",
        "(green + 0.5 × yellow) ÷ tasks led, at the period's end",
        True,
    ),
    Criterion(
        "problems",
        "牵头问题按期解决率",
        "problems owned, resolved in time",
        "本部门牵头协调、办结期限在本期内且按期销号的问题 ÷ 办结期限在本期内的问题",
        "problems the department coordinates, due in the period and closed in time ÷ those due in the period",
        False,
    ),
)

CRITERIA: dict[str, tuple[Criterion, ...]] = {"district": DISTRICT_CRITERIA, "department": DEPARTMENT_CRITERIA}

NO_DATA_NOTE = "某项指标本期对某单位无数据(分母为 0)时显示为“无数据”,不计分,其权重按其余指标的权重比例分摊。"
NO_DATA_NOTE_EN = (
    "A criterion with no data for a unit in the period (a denominator of 0) is shown as 无数据 (no data), scores "
    "nothing, and its weight is re-spread over the other criteria in proportion to their weights."
)


def check_weights(weights: dict[str, dict[str, float]]) -> None:
    """Raise ValueError unless both kinds are given, with known criteria and positive weights summing to 100."""
    for kind in KINDS:
        given = weights.get(kind)
        if not given:
            raise ValueError(f"assessment_weights needs a '{kind}' table")
        known = {c.code for c in CRITERIA[kind]}
        unknown = set(given) - known
        if unknown:
            raise ValueError(f"assessment_weights[{kind}]: unknown criteria {sorted(unknown)}; known: {sorted(known)}")
        if any(w < 0 for w in given.values()):
            raise ValueError(f"assessment_weights[{kind}]: weights must not be negative")
        if abs(sum(given.values()) - 100) > 1e-6:
            raise ValueError(f"assessment_weights[{kind}] must sum to 100, not {sum(given.values())}")
    unknown_kinds = set(weights) - set(KINDS)
    if unknown_kinds:
        raise ValueError(f"assessment_weights: unknown kinds {sorted(unknown_kinds)}; known: {list(KINDS)}")


def weights_table(weights: dict[str, dict[str, float]], kind: str) -> list[dict]:
    """The criteria of a kind that carry weight, in order, each with its weight and rule (shown beside every score)."""
    return [{**asdict(c), "weight": weights[kind][c.code]} for c in CRITERIA[kind] if weights[kind].get(c.code, 0) > 0]
