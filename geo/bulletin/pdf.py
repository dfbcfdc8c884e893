"""The 简报 as PDF, in the form of an official bulletin: red masthead, 期号, issuer and date, red rule, numbered
sections, page numbers (— 1 —) centred at the foot.

The content is first laid out as plain blocks, so every character of each face is known before its CJK subset is
made: serif bold for the masthead, sans bold for headings, serif for running text, sans for tables and captions.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from geo.bulletin import charts, coordination, text
from geo.bulletin.fonts import register_cjk_font
from geo.bulletin.maps import lights_map

RED = colors.HexColor("#c00000")
PAGE_W, PAGE_H = A4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 26 * mm, 24 * mm, 26 * mm, 24 * mm
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R  # 160 mm
PREVIEW = "征求意见稿"
GROUP_WIDTHS = [36, 14, 22, 22, 20, 18, 14, 14]
# 项目名称 gets the room: at 8 pt with 3 pt padding, 59 mm holds 20 characters, the longest name of the register,
# and 45 mm the longest 责任单位 (15); a longer one wraps at a character, the only place Chinese may wrap.
LIGHT_WIDTHS = [8, 59, 14, 45, 12, 11, 11]
COMPLETENESS_HEADER = ["区市", "进度填报（已报/应报）", "现场照片（已传/应传）"]


def _issue_line(data: dict) -> str:
    issue = data.get("issue")
    if issue is None:
        return f"（{PREVIEW} · 预览，签发后编号）"
    prefix = "季度通报　" if data["kind"] == "quarterly" else ""
    return f"{prefix}第{issue['seq']}期"


def _heading(number: int, title: str) -> tuple:
    return ("h2", f"{text.CN_NUM[number - 1]}、{title}")


def blocks(data: dict) -> list[tuple]:
    """The bulletin as (kind, …) blocks: masthead, title, note, h2, para, table, image, photos."""
    lights = data["headline"]["by_light"]
    masthead = data.get("masthead") or {"title": "全市新旧动能转换重大项目推进情况", "issuer": ""}
    kind = "月度" if data["kind"] == "monthly" else "季度"
    out: list[tuple] = [
        ("masthead", masthead["title"], _issue_line(data), masthead["issuer"], text.zh_date(data["date"])),
        ("title", f"{data['title']}全市新旧动能转换重大项目推进情况{kind}通报"),
    ]
    note = text.data_note(data.get("notes") or {})
    if note:
        out.append(("note", note))
    out.append(_heading(1, "总体情况"))
    out += [("para", p) for p in text.overview_paragraphs(data)]
    if data.get("trend"):
        out.append(("image", charts.trend(data["trend"], int(data["year"])), 150, "图1　近12个月投资完成与亮灯项目数"))
    out.append(_heading(2, "填报与审核情况"))
    out += [("para", p) for p in text.completeness_paragraphs(data)]
    rows = text.completeness_rows(data)
    if rows:
        out.append(("table", [COMPLETENESS_HEADER, *rows], [40, 60, 60], set(), True))
    out.append(_heading(3, "分区市推进情况"))
    out.append(("unit", "单位：亿元、个"))
    out.append(
        (
            "table",
            [text.GROUP_HEADER, *(text.group_row(g) for g in data["by_district"]), text.total_row(data)],
            GROUP_WIDTHS,
            set(),
            True,
        )
    )
    if data.get("map"):
        number = 2 if data.get("trend") else 1
        out.append(
            (
                "image",
                lights_map(data["map"], data["lagging"]),
                150,
                f"图{number}　{data['title']}重大项目亮灯分布示意图",
            )
        )
    out.append(_heading(4, "分产业集群推进情况"))
    out.append(("unit", "单位：亿元、个"))
    out.append(
        (
            "table",
            [text.GROUP_HEADER, *(text.group_row(g) for g in data["by_cluster"]), text.total_row(data)],
            GROUP_WIDTHS,
            {0},
            True,
        )
    )
    for number, light in ((5, "red"), (6, "yellow")):
        name = text.LIGHT_ZH[light]
        out.append(_heading(number, f"{name}项目（{lights.get(light, 0)}个）"))
        rows = text.light_rows(data, light)
        if rows:
            out.append(("unit", "形象进度、计划进度为截至期末；滞后单位为百分点"))
            out.append(("table", [text.LIGHT_HEADER, *rows], LIGHT_WIDTHS, {1, 3}, False))
        else:
            out.append(("para", f"本期无{name}项目。"))
    out.append(_heading(7, "主要问题"))
    out += [("para", p) for p in text.problem_paragraphs(data)]
    out.append(_heading(8, "需协调解决的问题"))
    out += [("para", p) for p in coordination.coordination_paragraphs(data)]
    rows = coordination.coordination_rows(data)
    if rows:
        out.append(("table", [coordination.HEADER, *rows], coordination.WIDTHS, coordination.WRAP, False))
    number = 9
    if data.get("assessment"):  # the quarterly bulletin's 考核排名 (geo.assessment.bulletin)
        from geo.assessment.bulletin import pdf_blocks

        out.append(_heading(number, "考核排名"))
        out += pdf_blocks(data["assessment"])
        number += 1
    out.append(_heading(number, "下步工作"))
    out += [("para", p) for p in text.next_step_paragraphs(data)]
    if data.get("photos"):
        out.append(("h2", "附：项目建设现场图片"))
        out.append(
            (
                "photos",
                [
                    (p["image"], f"{p['district']}｜{text.zh(p['project'])}｜{text.zh_date(p['taken'])}摄")
                    for p in data["photos"]
                ],
            )
        )
    return out


def _text_of(block: tuple) -> str:
    if block[0] == "table":
        return "".join(str(v) for row in block[1] for v in row)
    if block[0] == "photos":
        return "".join(caption for _, caption in block[1])
    if block[0] == "masthead":
        return "".join(block[1:])
    return block[3] if block[0] == "image" else block[1]


def _faces(content: list[tuple], preview: bool = True) -> dict[str, str]:
    """Register one subset per face used, each of the characters set in it; an unused face stands in for by serif (by
    sans when serif would set nothing but the page numbers)."""
    by_face = {"serif-bold": PREVIEW if preview else "", "sans-bold": "", "serif": "— 0123456789", "sans": ""}
    for b in content:
        if b[0] == "masthead":
            by_face["serif-bold"] += b[1] + b[2]
            by_face["serif"] += b[3] + b[4]
        elif b[0] == "cover":
            by_face["sans-bold"] += b[1] + b[2]
            by_face["sans"] += "".join(b[3:])
        elif b[0] in ("title", "h2", "h3"):
            by_face["sans-bold"] += b[1]
        elif b[0] == "fields":
            by_face["sans-bold"] += "".join(label for label, _ in b[1])
            by_face["sans"] += "".join(value for _, value in b[1])
        elif b[0] == "toc":
            by_face["sans-bold"] += b[1]
            by_face["sans"] += "".join(b[2])
        elif b[0] == "table":
            by_face["sans-bold"] += "".join(b[1][0]) + "合计全市"
            by_face["sans"] += _text_of(b)
        elif b[0] in ("para", "note"):
            by_face["serif"] += b[1]
        else:
            by_face["sans"] += _text_of(b)
    # Each subset costs about a second of font work (more on a busy machine): none for a face nothing is set in.
    if by_face["serif"] == "— 0123456789" and by_face["sans"]:
        by_face["serif"] = ""  # only the page numbers: set them in sans rather than make a subset for them
    faces = {face: register_cjk_font(chars, face) for face, chars in by_face.items() if chars}
    fallback = faces.get("serif") or faces["sans"]
    return {face: faces.get(face, fallback) for face in by_face}


def _styles(f: dict[str, str]) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("para", fontName=f["serif"], fontSize=11.5, leading=20, firstLineIndent=23, wordWrap="CJK")
    return {
        "masthead": ParagraphStyle(
            "masthead", fontName=f["serif-bold"], fontSize=26, leading=34, alignment=1, textColor=RED
        ),
        "issue": ParagraphStyle(
            "issue", fontName=f["serif-bold"], fontSize=13, leading=18, alignment=1, spaceBefore=6, spaceAfter=10
        ),
        "issuer": ParagraphStyle("issuer", fontName=f["serif"], fontSize=11.5, leading=16),
        "cover-masthead": ParagraphStyle(
            "cover-masthead", fontName=f["sans-bold"], fontSize=26, leading=34, alignment=1, textColor=RED
        ),
        "cover-issue": ParagraphStyle(
            "cover-issue", fontName=f["sans-bold"], fontSize=13, leading=18, alignment=1, spaceBefore=6, spaceAfter=10
        ),
        "cover-issuer": ParagraphStyle("cover-issuer", fontName=f["sans"], fontSize=11.5, leading=16),
        "cover-date": ParagraphStyle("cover-date", fontName=f["sans"], fontSize=11.5, leading=16, alignment=2),
        "cover-note": ParagraphStyle(
            "cover-note",
            fontName=f["sans"],
            fontSize=9,
            leading=13,
            textColor=colors.HexColor("#555555"),
            alignment=1,
            spaceAfter=6,
            wordWrap="CJK",
        ),
        "date": ParagraphStyle("date", fontName=f["serif"], fontSize=11.5, leading=16, alignment=2),
        "title": ParagraphStyle(
            "title",
            fontName=f["sans-bold"],
            fontSize=15,
            leading=22,
            alignment=1,
            spaceBefore=10,
            spaceAfter=6,
            wordWrap="CJK",
        ),
        "note": ParagraphStyle(
            "note",
            fontName=f["serif"],
            fontSize=9,
            leading=13,
            textColor=colors.HexColor("#555555"),
            alignment=1,
            spaceAfter=6,
            wordWrap="CJK",
        ),
        # keepWithNext: a heading goes to the next page with what follows it, never alone at a page's foot.
        "h2": ParagraphStyle(
            "h2", fontName=f["sans-bold"], fontSize=13, leading=20, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        "h3": ParagraphStyle(
            "h3",
            fontName=f["sans-bold"],
            fontSize=10.5,
            leading=15,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
            wordWrap="CJK",
        ),
        "toc": ParagraphStyle("toc", fontName=f["sans"], fontSize=11.5, leading=22, rightIndent=12 * mm),
        "para": body,
        "unit": ParagraphStyle("unit", fontName=f["sans"], fontSize=8.5, leading=12, alignment=2, spaceAfter=2),
        "cell": ParagraphStyle("cell", fontName=f["sans"], fontSize=8, leading=10.5, wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=f["sans-bold"], fontSize=8, leading=10.5, alignment=1),
        "caption": ParagraphStyle(
            "caption", fontName=f["sans"], fontSize=8.5, leading=11, alignment=1, wordWrap="CJK", spaceBefore=2
        ),
    }


def _masthead(block: tuple, s: dict, prefix: str = "") -> list:
    _, title, issue, issuer, date = block[:5]
    issuers = "<br/>".join(escape(x.strip()) for x in issuer.split(" / ") if x.strip())
    row = Table(
        [[Paragraph(issuers, s[prefix + "issuer"]), Paragraph(escape(date), s[prefix + "date"])]],
        colWidths=[TEXT_W * 0.68, TEXT_W * 0.32],
        style=[
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )
    return [
        Spacer(1, 6 * mm),
        Paragraph(escape(title), s[prefix + "masthead"]),
        Paragraph(escape(issue), s[prefix + "issue"]),
        row,
        HRFlowable(width="100%", thickness=2.2, color=RED, spaceBefore=1, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.6, color=RED, spaceBefore=0, spaceAfter=6),
    ]


def _table(block: tuple, f: dict, s: dict) -> Table:
    _, rows, widths, wrap, has_total = block
    shaped = [
        [
            Paragraph(escape(str(v)).replace("\n", "<br/>"), s["cell" if r else "head"])
            if (i in wrap and r) or "\n" in str(v)
            else str(v)
            for i, v in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    style = [
        ("FONT", (0, 0), (-1, -1), f["sans"], 8),
        ("FONT", (0, 0), (-1, 0), f["sans-bold"], 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#666666")),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if has_total:
        style += [("FONT", (0, -1), (-1, -1), f["sans-bold"], 8)]
    if wrap and 1 in wrap:  # the project lists: text columns left, the number in the middle
        style += [("ALIGN", (0, 1), (3, -1), "LEFT"), ("ALIGN", (0, 1), (0, -1), "CENTER")]
    table = Table(shaped, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle(style))
    return table


def _fields(block: tuple, f: dict, s: dict) -> Table:
    """A record as a two-column table: the label (黑体) beside its value, which wraps at a character."""
    room = TEXT_W - 24 * mm - 6

    def cell(value: str):
        # A Paragraph only where the value wraps: CJK line breaking is most of a long document's layout time.
        if "\n" not in value and stringWidth(value, f["sans"], 8) <= room:
            return value
        return Paragraph(escape(value).replace("\n", "<br/>"), s["cell"])

    rows = [[label, cell(value)] for label, value in block[1]]
    table = Table(rows, colWidths=[24 * mm, TEXT_W - 24 * mm], hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), f["sans-bold"], 8),
                ("FONT", (1, 0), (1, -1), f["sans"], 8),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e8ecf2")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#666666")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _toc(block: tuple, s: dict) -> list:
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [s["toc"]]
    return [Paragraph(escape(block[1]), s["title"]), Spacer(1, 4 * mm), toc]


class _Document(BaseDocTemplate):
    """Tells a table of contents the page of every 二级标题 (h2) as it is laid out."""

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name == "h2":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


def _image(png: bytes, width_mm: float, max_height_mm: float | None = None) -> Image:
    img = Image(io.BytesIO(png))
    width = width_mm * mm
    height = width * img.imageHeight / img.imageWidth
    if max_height_mm is not None and height > max_height_mm * mm:
        width, height = width * max_height_mm * mm / height, max_height_mm * mm
    img.drawWidth, img.drawHeight = width, height
    return img


def _photos(block: tuple, s: dict) -> Table:
    cells = [[_image(png, 76, 57), Paragraph(escape(caption), s["caption"])] for png, caption in block[1]]
    rows = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    return Table(
        rows,
        colWidths=[TEXT_W / 2] * 2,
        style=[
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )


def _page_decor(f: dict, preview: bool):
    def draw(canvas, doc):
        canvas.saveState()
        if preview:
            # Faint and behind the text: says on every page that this is not the issued bulletin.
            canvas.setFillColor(colors.HexColor("#ececec"))
            canvas.setFont(f["serif-bold"], 60)
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, PREVIEW)
            canvas.rotate(-35)
            canvas.translate(-PAGE_W / 2, -PAGE_H / 2)
        canvas.setFillColor(colors.black)
        canvas.setFont(f["serif"], 11)
        canvas.drawCentredString(PAGE_W / 2, 13 * mm, f"— {doc.page} —")
        canvas.restoreState()

    return draw


def _flowables(block: tuple, f: dict, s: dict) -> list:
    """The flowables of one block; ("keep", [blocks]) keeps its blocks on one page (a record never split)."""
    kind = block[0]
    if kind == "keep":
        return [KeepTogether([x for b in block[1] for x in _flowables(b, f, s)])]
    if kind == "masthead":
        return _masthead(block, s)
    if kind == "cover":  # the masthead set in 黑体 only, with its note: two font subsets instead of four
        return _masthead(block, s, "cover-") + ([Paragraph(escape(block[5]), s["cover-note"])] if block[5] else [])
    if kind == "table":
        return [_table(block, f, s), Spacer(1, 3 * mm)]
    if kind == "image":
        caption = Paragraph(escape(block[3]), s["caption"])
        return [KeepTogether([Spacer(1, 2 * mm), _image(block[1], block[2]), caption])]
    if kind == "photos":
        return [_photos(block, s)]
    if kind == "pagebreak":
        return [PageBreak()]
    if kind == "fields":
        return [_fields(block, f, s), Spacer(1, 2 * mm)]
    if kind == "toc":
        return _toc(block, s)
    if kind == "h2":
        # with keepWithNext: room for the heading and a start of its text
        return [CondPageBreak(45 * mm), Paragraph(escape(block[1]), s["h2"])]
    return [Paragraph(escape(block[1]), s[kind])]


def render_pdf(data: dict) -> bytes:
    """PDF bytes of the bulletin."""
    masthead = data.get("masthead") or {}
    return render_blocks(
        blocks(data),
        title=f"{masthead.get('title', '')} {data['title']}",
        author=masthead.get("issuer", ""),
        preview=data.get("issue") is None,
    )


def render_blocks(content: list[tuple], *, title: str, author: str = "", preview: bool = False) -> bytes:
    """PDF bytes of blocks (as blocks() makes them, plus ("pagebreak", ""), ("h3", text), ("fields", [(label, value)]),
    ("keep", [blocks]), ("cover", title, subtitle, issuer, date, note) and ("toc", title, [h2 texts])) in the
    bulletin's faces, styles and page numbers; `preview` adds the 征求意见稿 watermark. Other official documents
    (tour itineraries, the 推进手册) use it too."""
    f = _faces([b for block in content for b in (block[1] if block[0] == "keep" else [block])], preview)
    s = _styles(f)
    story: list = []
    for block in content:
        story += _flowables(block, f, s)
    out = io.BytesIO()
    has_toc = any(block[0] == "toc" for block in content)
    doc = (_Document if has_toc else BaseDocTemplate)(
        out,
        pagesize=A4,
        leftMargin=MARGIN_L,
        rightMargin=MARGIN_R,
        topMargin=MARGIN_T,
        bottomMargin=MARGIN_B,
        title=title,
        author=author,
    )
    frame = Frame(MARGIN_L, MARGIN_B, TEXT_W, PAGE_H - MARGIN_T - MARGIN_B, id="body", leftPadding=0, rightPadding=0)
    doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=_page_decor(f, preview))])
    # A table of contents needs a second pass: its page numbers are known once the body has been laid out.
    if has_toc:
        doc.multiBuild(story)
    else:
        doc.build(story)
    return out.getvalue()
