"""Deterministic demo key tasks: 155 (72 from the provincial plan, 83 from the city's), titled from the seed's own
words, each led by a city department, linked to demo projects, with 12 months of reports consistent with deadlines.

Every generated task and report is `demo: true`; the words come from the 2018 policy explainer (四个方面重点工作:
规划引领、项目建设、政策落实、推介宣传; 七大千亿级产业集群; 10 个领域三年行动计划; 国家区域创新中心; 1+3+N 创新格局;
海洋经济发展示范区; 基金推介 …). Re-seeding replaces demo tasks and their demo reports; months someone has reported
are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.demo.reports import DEMO_MONTHS, demo_last_month
from geo.enums import CLUSTERS, DISTRICT_NAMES, TASK_SOURCES
from geo.periods import add_months, month_end

SEED = 155
COUNTIES = ("环翠区", "文登区", "荣成市", "乳山市")
# The lead of each cluster's three-year action plan, as the explainer assigns them (发改委、经信委、卫计委、旅发委).
CLUSTER_LEADS = {"C1": "GXJ", "C2": "WJW", "C3": "GXJ", "C4": "GXJ", "C5": "HYJ", "C6": "GXJ", "C7": "WLJ"}
# The three other fields of the ten (10 个领域): 科技支持 (科技局), 精准招商 (商务局), 特色细分产业集群 (中小企业局).
OTHER_FIELDS = (("科技支持", "KJJ"), ("精准招商", "SWJ"), ("特色细分产业集群培育", "ZXQ"))
FIVE_ZONES = ("自主创新示范区", "产城融合示范区", "海洋经济发展示范区", "蓝色经济新区", "中韩自贸区地方经济合作示范区")
NINE_BASES = (
    "碳纤维基地",
    "医疗器械基地",
    "电子信息与智能制造基地",
    "服务贸易产业基地",
    "海洋生物基地",
    "医疗健康基地",
    "石墨烯基地",
    "时尚创意基地",
    "品质农业基地",
)
NEW_FORMS = ("现代物流", "农业“新六产”", "军民融合", "“互联网+”", "分享经济")
THREE_POLICIES = ("财税", "金融", "土地")
PROMOTIONS = (
    ("参加外交部蓝厅专项推介会,推介我市新旧动能转换重点项目", "SWJ"),
    ("参加第23届澳门国际贸易投资展览会“山东新旧动能转换专题推介会”", "SWJ"),
    ("参与省新一轮基金推介签约活动,争取更多项目纳入推介计划和签约议程", "JRJ"),
    ("筹备全市新旧动能转换基金推介活动,分期分批向金融机构和社会资本推介项目", "JRJ"),
    ("加强与全球500强、央企等龙头企业对接,举办系列项目招商推介活动", "SWJ"),
    ("宣传解读新旧动能转换重大工程总体方案,营造全社会参与氛围", "XCB"),
    ("编印新旧动能转换工作推进手册,向市直部门和各区市发放", "FGW"),
    ("举办七大千亿级产业集群专题招商推介会", "SWJ"),
)

NARRATIVE = {
    "not_started": ("已纳入年度工作计划,正在研究工作方案", "已明确责任处室,待具备条件后启动"),
    "in_progress": (
        "按任务书、路线图、时间表推进,本月召开专题调度会",
        "已形成初步成果,正在征求相关部门意见",
        "配合单位已报送相关材料,正在汇总完善",
        "按月度节点推进,各项工作有序开展",
    ),
    "completed": ("已按期完成,成果已报市新旧动能转换推进办公室备案", "已完成并通过验收,形成正式成果"),
    "lagging": ("受前置条件影响,进度滞后于计划", "配合单位材料报送不及时,进度滞后"),
}
PROBLEMS = (
    "前置审批手续尚未完成",
    "配合单位材料报送不及时",
    "资金渠道尚未落实",
    "需上级部门批复后方可推进",
    "相关政策细则尚未出台",
)


def _candidates() -> list[dict]:
    """Every task the templates give, in a fixed order: (category, title, lead, clusters, districts, deliverable)."""
    out: list[dict] = []

    def add(category, title, lead, deliverable, target, clusters=(), districts=(), coop=()):
        out.append(
            {
                "category": category,
                "title": title,
                "lead": lead,
                "clusters": list(clusters),
                "districts": list(districts),
                "deliverable": deliverable,
                "target": target,
                "coop": list(coop),
            }
        )

    add("planning", "编制全市新旧动能转换重大工程实施规划", "FGW", "《实施规划》文本", "经市政府常务会议审议印发")
    for d in DISTRICT_NAMES:
        add(
            "planning",
            f"协调{d}编制新旧动能转换实施方案",
            "FGW",
            f"{d}实施方案",
            "明确发展目标、实施路径和工作重点并印发",
            districts=[d],
        )
    add("planning", "编制出台全市海洋发展战略规划", "HYJ", "《海洋发展战略规划》", "经市政府批复出台", coop=["FGW"])
    add("planning", "编制海洋经济转型突破三年行动计划", "HYJ", "三年行动计划文本", "印发实施", coop=["FGW"])
    add("planning", "编制“五区九基地”空间布局规划", "ZRJ", "空间布局规划图集", "完成规划编制并纳入国土空间规划")
    for c in CLUSTERS:
        add(
            "cluster_plan",
            f"制定{c.name}千亿级产业集群三年行动计划",
            CLUSTER_LEADS[c.code],
            "三年行动计划文本",
            "印发实施,目标任务分解到市直部门和各区市",
            clusters=[c.name],
            coop=["FGW"],
        )
        for d in COUNTIES:
            add(
                "cluster_plan",
                f"{d}落实{c.name}产业集群三年行动计划",
                CLUSTER_LEADS[c.code],
                "区市工作计划和落实措施",
                "目标任务落实到具体承载区域、园区、项目",
                clusters=[c.name],
                districts=[d],
            )
    for field, lead in OTHER_FIELDS:
        add("cluster_plan", f"制定{field}三年行动计划", lead, "三年行动计划文本", "印发实施", coop=["FGW"])
    add("projects", "建立项目管理服务平台,实行挂图作战", "FGW", "项目管理服务平台", "116 个重点项目全部上图调度")
    add("projects", "推进116个新旧动能转换重大项目建设", "FGW", "月度调度报告", "年度计划投资完成率不低于 100%")
    add("projects", "推进六大重点区域建设", "FGW", "重点区域建设台账", "按年度计划完成建设任务", coop=["ZJJ"])
    for base in NINE_BASES:
        add("projects", f"推进{base}建设", "GXJ", f"{base}建设进展报告", "完成年度建设任务", coop=["FGW", "ZRJ"])
    for c in CLUSTERS:
        add(
            "projects",
            f"推进{c.name}产业集群重点项目建设,确保首季“开门红”",
            CLUSTER_LEADS[c.code],
            "重点项目月度调度",
            "重点项目开工率、投资完成率达到序时进度",
            clusters=[c.name],
        )
    for form in NEW_FORMS:
        add("projects", f"培育发展{form}新业态新模式", "FGW", "工作推进方案", "形成一批示范项目", coop=["GXJ"])
    for p in THREE_POLICIES:
        add(
            "policy",
            f"落实综试区{p}政策,最大限度提高政策普惠面",
            "CZJ" if p != "土地" else "ZRJ",
            "政策落实清单",
            "政策全部落地",
        )
        add("policy", f"研究制定{p}政策先行先试具体方案", "FGW", "具体方案", "报上级批复", coop=["CZJ", "JRJ"])
    add("policy", "设立新旧动能转换专项资金", "CZJ", "专项资金管理办法", "资金到位并拨付", coop=["FGW"])
    add("policy", "设立新旧动能转换产业发展基金", "JRJ", "产业发展基金", "基金完成设立并投资项目", coop=["CZJ"])
    add("policy", "入库项目优先争取各类资金、基金和政策性贷款", "FGW", "争取资金项目清单", "争取资金额度逐季增长")
    add("policy", "扶持培育行业冠军和“专精特新”企业", "ZXQ", "培育企业名单", "年度新增“专精特新”企业 20 家")
    add("policy", "发展壮大一批龙头企业", "GXJ", "龙头企业培育清单", "形成一批产值过百亿企业")
    add("policy", "落实人才支撑政策,引进高层次人才", "RSJ", "人才引进计划", "完成年度引才目标")
    add(
        "policy",
        "推动医疗健康城市建设政策落地",
        "WJW",
        "政策落实方案",
        "医疗健康产业城建设按期推进",
        clusters=["新医药与医疗器械"],
    )
    for title, lead in PROMOTIONS:
        add("promotion", title, lead, "活动总结和签约项目清单", "签约项目按期落地")
    for d in COUNTIES:
        add("promotion", f"组织{d}重点项目专题推介", "SWJ", "推介项目清单", "签约项目不少于 5 个", districts=[d])
    add("innovation", "积极创建国家区域创新中心", "KJJ", "创建方案", "获国家批复", coop=["FGW"])
    add("innovation", "组建国家区域创新中心实体公司", "KJJ", "实体公司", "完成注册并运营", coop=["CZJ"])
    add("innovation", "构建“1+3+N”创新格局", "KJJ", "创新格局建设方案", "“N”个创新平台挂牌运行")
    add(
        "innovation",
        "促进创新资源要素集聚,打造以两化融合为特色的创新高地",
        "GXJ",
        "两化融合工作方案",
        "新增两化融合贯标企业 30 家",
    )
    for c in CLUSTERS:
        add(
            "innovation",
            f"建设{c.name}产业创新平台",
            "KJJ",
            "创新平台建设方案",
            "创新平台认定并运行",
            clusters=[c.name],
            coop=[CLUSTER_LEADS[c.code]],
        )
    for z in FIVE_ZONES:
        add("reform", f"创建{z}", "FGW", f"{z}创建方案", "按期报批并获批复", coop=["HYJ"] if "海洋" in z else [])
    for d in COUNTIES:
        add("reform", f"深化{d}“放管服”改革,优化营商环境", "SPJ", "改革事项清单", "审批时限压减 50%", districts=[d])
    add("reform", "推进“一次办好”改革", "SPJ", "事项清单", "政务服务事项全部实现“一次办好”")
    add("reform", "推进质量强市战略", "SJJ", "质量强市工作方案", "创建省级质量强市示范城市")
    add("reform", "健全新旧动能转换统计监测评价体系", "FGW", "统计监测评价办法", "按季度发布监测报告")
    add("reform", "推进生态环境领域改革,严守生态红线", "HBJ", "改革事项清单", "生态环境质量持续改善")
    add("reform", "推进农业“新六产”改革试点", "NYJ", "试点方案", "试点任务全部完成", clusters=["海洋生物与健康食品"])
    add("reform", "深化教育领域改革,支撑产业人才培养", "JYJ", "改革方案", "新增产教融合项目 10 个")
    add("reform", "推进交通基础设施投融资改革", "JTJ", "改革方案", "重点交通项目融资到位")
    add("reform", "推进城市建设管理体制改革", "ZJJ", "改革方案", "完成年度改革任务")
    add("reform", "深化财税体制改革", "CZJ", "改革方案", "完成年度改革任务")
    add("reform", "推进地方金融改革创新", "JRJ", "改革方案", "新增直接融资规模逐年增长")
    add("reform", "推进国有企业混合所有制改革", "FGW", "改革方案", "完成年度改革任务", coop=["CZJ"])
    for z in FIVE_ZONES:
        add("projects", f"推进{z}重点项目建设", "FGW", f"{z}项目台账", "完成年度投资计划", coop=["ZRJ"])
    for c in CLUSTERS:
        add(
            "promotion",
            f"开展{c.name}产业精准招商,引进龙头企业",
            "SWJ",
            "招商项目清单",
            "引进过 10 亿元项目不少于 2 个",
            clusters=[c.name],
            coop=[CLUSTER_LEADS[c.code]],
        )
    for d in COUNTIES:
        add("projects", f"建设{d}高端产业园区", "GXJ", "园区建设进展报告", "完成年度建设任务", districts=[d])
    for base in NINE_BASES:
        add("innovation", f"建设{base}公共服务平台", "KJJ", "公共服务平台", "平台建成并对外服务", coop=["GXJ"])
    for form in NEW_FORMS:
        add("policy", f"出台支持{form}发展的政策措施", "FGW", "政策措施文件", "印发实施")
    return out


def generate_tasks(projects: list[dict], *, plan_year: int = 2026) -> list[dict]:
    """155 demo tasks: 72 provincial, 83 city; deadlines, milestones, linked project codes, 12 months of reports."""
    rng = random.Random(SEED)
    pool = _candidates()
    total = sum(s.count for s in TASK_SOURCES)
    assert len(pool) >= total, f"{len(pool)} task templates for {total} tasks"
    rng.shuffle(pool)
    chosen = pool[:total]
    by_cluster: dict[str, list[dict]] = {}
    for p in projects:
        by_cluster.setdefault(p["cluster"], []).append(p)
    last = demo_last_month(plan_year)
    first = add_months(last, 1 - DEMO_MONTHS)
    tasks, n = [], 0
    for source in TASK_SOURCES:
        for i in range(source.count):
            t = dict(chosen[n])
            n += 1
            t["source"] = source.code
            t["code"] = f"{'S' if source.code == 'province' else 'C'}-{i + 1:03d}"
            # Deadlines from 2026-02 to 2027-12: a third fall within the demo history and must be met or lagging.
            deadline_month = add_months(dt.date(plan_year, 2, 1), rng.randrange(0, 23))
            t["deadline"] = month_end(deadline_month)
            t["milestones"] = [
                {"month": add_months(deadline_month, -k * 3).strftime("%Y-%m"), "kind": "quarterly", "text": text_}
                for k, text_ in ((2, "形成初步成果"), (1, "完成征求意见和修改"), (0, "完成并报送成果"))
            ]
            candidates = [p for c in (t["clusters"] or [None]) for p in by_cluster.get(c, [])] or projects
            if t["districts"]:
                candidates = [p for p in candidates if p["district"] in t["districts"]] or candidates
            k = 0 if not candidates else rng.choice((1, 2, 2, 3, 4) if t["category"] == "projects" else (0, 1, 1, 2))
            t["projects"] = sorted({p["code"] for p in rng.sample(candidates, min(k, len(candidates)))})
            if not t["districts"]:
                t["districts"] = sorted({p["district"] for p in projects if p["code"] in t["projects"]})
            t["reports"] = _history(rng, first=first, last=last, deadline_month=deadline_month)
            tasks.append(t)
    return tasks


def _history(rng: random.Random, *, first: dt.date, last: dt.date, deadline_month: dt.date) -> list[dict]:
    """A task's monthly reports: 未启动 until it starts, 推进中, then 已完成 by its deadline or 滞后 past it."""
    start = add_months(first, rng.randrange(-6, 6))
    # About one task in six whose deadline falls in the history misses it and reports 滞后 from then on.
    misses = rng.random() < 0.17
    done_month = add_months(deadline_month, -rng.randrange(0, 3))
    start = min(start, add_months(done_month, -2))  # a task is under way for a while before it is done
    if last < deadline_month <= add_months(last, 3) and rng.random() < 0.4:
        start = add_months(last, 1)  # due within three months and not started yet: at risk (yellow)
    slips = rng.random() < 0.08  # some tasks not yet due run late all the same
    rows = []
    for i in range(DEMO_MONTHS):
        month = add_months(first, i)
        if month < start:
            status = "not_started"
        elif deadline_month <= last and not misses and month >= done_month:
            status = "completed"
        elif (deadline_month <= last and misses and month >= deadline_month) or (
            slips and month >= add_months(last, -2)
        ):
            status = "lagging"
        else:
            status = "in_progress"
        rows.append(
            {
                "month": month,
                "status": status,
                "narrative": rng.choice(NARRATIVE[status]),
                "problems": rng.choice(PROBLEMS) if status == "lagging" else None,
            }
        )
    return rows


def seed_demo_tasks(session: Session, *, plan_year: int = 2026) -> dict:
    """Replace the demo tasks (by code), their links and their demo reports; months filed by people are kept."""
    projects = [
        dict(r)
        for r in session.execute(
            text("""SELECT p.code, cl.name AS cluster, d.name AS district FROM projects p
                    JOIN industry_clusters cl ON cl.id = p.cluster_id
                    JOIN districts d ON d.id = COALESCE(p.located_district_id, p.district_id)
                    WHERE p.demo ORDER BY p.code""")
        ).mappings()
    ]
    tasks = generate_tasks(projects, plan_year=plan_year)
    payload = json.dumps(tasks, default=str, ensure_ascii=False)
    session.execute(
        text("""
        INSERT INTO tasks (code, title, source, category, lead_department_id, districts, clusters, deliverable, target,
                           deadline, milestones, demo)
        SELECT j.code, j.title, j.source, j.category, dp.id, ARRAY(SELECT jsonb_array_elements_text(j.districts)),
               ARRAY(SELECT jsonb_array_elements_text(j.clusters)), j.deliverable, j.target, j.deadline, j.milestones,
               true
        FROM jsonb_to_recordset(CAST(:payload AS jsonb)) AS j(code text, title text, source text, category text,
             lead text, districts jsonb, clusters jsonb, deliverable text, target text, deadline date, milestones jsonb)
        JOIN departments dp ON dp.code = j.lead
        ON CONFLICT (code) DO UPDATE SET title = EXCLUDED.title, source = EXCLUDED.source,
            category = EXCLUDED.category, lead_department_id = EXCLUDED.lead_department_id,
            districts = EXCLUDED.districts, clusters = EXCLUDED.clusters, deliverable = EXCLUDED.deliverable,
            target = EXCLUDED.target, deadline = EXCLUDED.deadline, milestones = EXCLUDED.milestones,
            updated_at = now()
        WHERE tasks.demo"""),
        {"payload": payload},
    )
    codes = [t["code"] for t in tasks]
    session.execute(text("DELETE FROM tasks WHERE demo AND NOT (code = ANY(:codes))"), {"codes": codes})
    links = json.dumps([{"task": t["code"], "dept": d} for t in tasks for d in t["coop"] if d != t["lead"]])
    session.execute(text("DELETE FROM task_cooperators tc USING tasks t WHERE t.id = tc.task_id AND t.demo"))
    session.execute(
        text("""
        INSERT INTO task_cooperators (task_id, department_id)
        SELECT t.id, dp.id FROM jsonb_to_recordset(CAST(:links AS jsonb)) AS j(task text, dept text)
        JOIN tasks t ON t.code = j.task JOIN departments dp ON dp.code = j.dept ON CONFLICT DO NOTHING"""),
        {"links": links},
    )
    session.execute(text("DELETE FROM task_projects tp USING tasks t WHERE t.id = tp.task_id AND t.demo"))
    session.execute(
        text("""
        INSERT INTO task_projects (task_id, project_id)
        SELECT t.id, p.id FROM jsonb_to_recordset(CAST(:links AS jsonb)) AS j(task text, project text)
        JOIN tasks t ON t.code = j.task JOIN projects p ON p.code = j.project ON CONFLICT DO NOTHING"""),
        {"links": json.dumps([{"task": t["code"], "project": c} for t in tasks for c in t["projects"]])},
    )
    session.execute(
        text("""DELETE FROM task_reports r USING tasks t
                WHERE r.task_id = t.id AND t.demo AND r.demo AND r.superseded_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM task_reports o
                                  WHERE o.task_id = r.task_id AND o.month = r.month AND NOT o.demo)""")
    )
    reports = [{"task": t["code"], **r, "month": r["month"].isoformat()} for t in tasks for r in t["reports"]]
    # Months someone has filed (any non-demo version) keep their own reports.
    inserted = session.execute(
        text("""
        INSERT INTO task_reports (task_id, month, version, status, narrative, problems, reported_by, demo)
        SELECT t.id, j.month, 1, j.status, j.narrative, j.problems, '演示数据', true
        FROM jsonb_to_recordset(CAST(:reports AS jsonb)) AS j(task text, month date, status text, narrative text,
             problems text)
        JOIN tasks t ON t.code = j.task
        WHERE NOT EXISTS (SELECT 1 FROM task_reports o WHERE o.task_id = t.id AND o.month = j.month)"""),
        {"reports": json.dumps(reports, ensure_ascii=False)},
    ).rowcount
    return {"demo_tasks": len(tasks), "demo_task_reports": inserted}
