"""The 明白卡: what one A4 page per household shows, as data for the HTML page and the PDF."""

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone

from zhicun.registry.choices import ACTIVE
from zhicun.registry.models import Person, age_on
from zhicun.support.models import (
    CadreAssignment,
    IncomeCard,
    Measure,
    SupportedHousehold,
    Threshold,
    yuan,
)


@dataclass
class Card:
    supported: SupportedHousehold
    year: int
    members: list[dict]
    cadre: object
    measures: list[Measure]
    income: IncomeCard | None
    threshold: int | None
    previous: IncomeCard | None

    @property
    def household(self):
        return self.supported.household

    @property
    def head_name(self) -> str:
        h = self.household
        return h.head.name if h.head_id else ""

    def income_rows(self) -> list[tuple[str, str, str]]:
        """(item, formula, amount in 元) in the order the card prints them."""
        c = self.income
        if c is None:
            return []
        return [
            ("工资性收入", "L", yuan(c.wage)),
            ("生产经营性收入", "M", yuan(c.production)),
            ("财产性收入", "N", yuan(c.property_income)),
            ("转移性收入", "P", yuan(c.transfer)),
            ("家庭总收入", "K = L + M + N + P", yuan(c.total)),
            ("生产经营性支出", "R", yuan(c.costs)),
            ("家庭纯收入", "S = K − R", yuan(c.net)),
            (f"人均纯收入（家庭人口 {c.size} 人）", f"T = S ÷ {c.size}", yuan(c.per_capita)),
        ]

    @property
    def below_threshold(self) -> bool:
        return bool(self.income and self.threshold and self.income.per_capita < self.threshold)


def build(supported: SupportedHousehold, year: int | None = None) -> Card:
    return build_many([supported], year)[0]


def build_many(records, year: int | None = None) -> list[Card]:
    """Cards for many households with a fixed number of queries (the village batch)."""
    year = year or timezone.localdate().year
    today = timezone.localdate()
    records = list(records)
    ids = [s.household_id for s in records]
    members: dict[int, list[dict]] = {}
    people = (
        Person.objects.filter(household_id__in=ids, residence__in=ACTIVE)
        .order_by("household_id", "relation", "birth_date")
        .only("household_id", "name", "relation", "birth_date", "health", "labour", "id_number")
    )
    for p in people:
        members.setdefault(p.household_id, []).append(
            {
                "name": p.name,
                "relation": p.label("relation"),
                "age": age_on(p.birth_date, today) if p.birth_date <= today else 0,
                "health": p.label("health"),
                "labour": p.label("labour"),
                "id": p.masked_id,
            }
        )
    cadres = {
        c.supported_id: c
        for c in CadreAssignment.objects.filter(
            supported__in=[s.pk for s in records], end_date__isnull=True
        )
    }
    cards = {
        (c.household_id, c.year): c
        for c in IncomeCard.objects.filter(household_id__in=ids, year__in=[year, year - 1])
    }
    measures: dict[int, list[Measure]] = {}
    for m in (
        Measure.objects.filter(household_id__in=ids)
        .active_in(year)
        .select_related("person")
        .order_by("start_date", "id")
    ):
        measures.setdefault(m.household_id, []).append(m)
    thresholds: dict[str, int | None] = {}
    out = []
    for s in records:
        code = s.household.hamlet.code
        if code not in thresholds:
            thresholds[code] = Threshold.for_household(year, code)
        out.append(
            Card(
                supported=s,
                year=year,
                members=members.get(s.household_id, []),
                cadre=cadres.get(s.pk),
                measures=measures.get(s.household_id, []),
                income=cards.get((s.household_id, year)),
                threshold=thresholds[code],
                previous=cards.get((s.household_id, year - 1)),
            )
        )
    return out


# --- PDF ----------------------------------------------------------------------------------------

FONT = "STSong-Light"  # a CID font every PDF reader carries: no font file, text stays extractable


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render_pdf(cards: list[Card], title: str) -> bytes:
    """One A4 page per card."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    _register_font()

    def para(text: str, style):
        return Paragraph(escape(text), style)

    styles = {
        "h1": ParagraphStyle("h1", fontName=FONT, fontSize=16, leading=22, alignment=1),
        "h2": ParagraphStyle("h2", fontName=FONT, fontSize=11, leading=16, spaceBefore=4),
        "p": ParagraphStyle("p", fontName=FONT, fontSize=9, leading=13),
    }
    grid = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]

    def table(rows, widths):
        t = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(grid)
        return t

    story = []
    for i, card in enumerate(cards):
        if i:
            story.append(PageBreak())
        s = card.supported
        h = card.household
        p = styles["p"]
        story.append(para(f"{card.year} 年 帮扶明白卡", styles["h1"]))
        story.append(
            para(
                f"户编号：{h.number}　户主：{card.head_name}　住址：{h.hamlet.path_names()} "
                f"{h.address}",
                p,
            )
        )
        causes = "、".join(s.cause_labels() + s.risk_labels()) or "—"
        story.append(
            para(
                f"类型：{s.type_label}　状态：{s.get_status_display()}　识别年度："
                f"{s.year_identified}　致贫原因/风险类型：{causes}",
                p,
            )
        )
        story.append(para("家庭成员", styles["h2"]))
        rows = [["姓名", "与户主关系", "年龄", "健康状况", "劳动能力", "身份证号"]]
        rows += [
            [m["name"], m["relation"], str(m["age"]), m["health"], m["labour"], m["id"]]
            for m in card.members
        ]
        story.append(table(rows, [22, 24, 14, 26, 34, 50]))
        story.append(para("帮扶责任人", styles["h2"]))
        c = card.cadre
        story.append(
            para(
                f"{c.name}　{c.unit_name}　{c.masked_phone}（自 {c.start_date:%Y-%m-%d}）"
                if c
                else "未确定",
                p,
            )
        )
        story.append(para(f"{card.year} 年帮扶措施", styles["h2"]))
        rows = [["类型", "内容", "对象", "时间", "金额（元）", "成效"]]
        rows += [
            [
                m.get_kind_display(),
                para(m.title, p),
                m.person.name if m.person_id else "全户",
                f"{m.start_date:%Y-%m}" + (f"至{m.end_date:%Y-%m}" if m.end_date else "起"),
                yuan(m.amount) if m.amount else "—",
                para(m.result or "—", p),
            ]
            for m in card.measures
        ] or [["—", "本年度暂无帮扶措施", "", "", "", ""]]
        story.append(table(rows, [22, 50, 16, 30, 20, 32]))
        story.append(para(f"{card.year} 年家庭收入（收入明白卡）", styles["h2"]))
        rows = [["项目", "计算", "金额（元）"]] + [list(r) for r in card.income_rows()]
        if len(rows) == 1:
            rows.append(["本年度收入尚未核算", "", ""])
        story.append(table(rows, [70, 60, 40]))
        if card.threshold:
            verdict = "低于" if card.below_threshold else "不低于"
            story.append(
                para(
                    f"{card.year} 年防返贫监测标准：人均纯收入 {yuan(card.threshold)} 元；"
                    f"本户{verdict}监测标准。",
                    p,
                )
            )
        story.append(Spacer(1, 14 * mm))
        story.append(
            Table(
                [["帮扶责任人（签字）：", "", "户主（签字）：", ""], ["日期：", "", "日期：", ""]],
                colWidths=[35 * mm, 50 * mm, 35 * mm, 50 * mm],
                rowHeights=[12 * mm, 10 * mm],
                style=[
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("FONTSIZE", (0, 0), (-1, -1), 10),
                    ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                    ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
                ],
            )
        )
    if not story:
        story.append(para("没有帮扶对象户", styles["p"]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=title,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
    )
    doc.build(story)
    return buf.getvalue()
