import io

import pytest
import time_machine
from pdfminer.high_level import extract_text

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import DAISHIHAO, XIAOSHIHAO
from zhicun.support.models import IncomeCard, Measure, Review, Threshold

pytestmark = pytest.mark.django_db
FROZEN = "2026-11-28 10:00 +0800"


@pytest.fixture
def card(supported, dashihao):
    Threshold.objects.create(year=2026, amount=750_000)
    return IncomeCard.objects.create(
        household=supported.household,
        year=2026,
        size=2,
        wage=1_000_000,
        transfer=200_000,
        costs=100_000,
        recorded_by=dashihao,
    )


@time_machine.travel(FROZEN, tick=False)
def test_it_lists_flagged_households_for_the_chief(login, dashihao, supported, card):
    r = login(dashihao).get("/support/?flagged=1")
    assert r.status_code == 200
    assert "王德福" in r.content.decode()
    assert "低于监测标准" in r.content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_it_shows_the_flag_count_on_the_home_page(login, dashihao, malianqu, supported, card):
    for user in (dashihao, malianqu):
        r = login(user).get("/")
        assert "2026 年收入低于监测标准或大幅下降" in r.content.decode()
        panel = next(p for p in r.context["panels"] if p["title"] == "帮扶监测")
        assert panel["links"][0]["count"] == 1


def test_it_hides_the_record_from_an_outsider(login, xiaoshihao, supported, card):
    c = login(xiaoshihao)
    for url in (
        f"/support/{supported.pk}/",
        f"/support/{supported.pk}/card/",
        f"/support/{supported.pk}/card.pdf",
        f"/support/village/{DAISHIHAO}/cards.pdf",
    ):
        assert c.get(url).status_code == 404
    r = c.get("/support/")
    assert "王德福" not in r.content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_it_prints_the_card_with_its_formulas(login, dashihao, supported, card):
    r = login(dashihao).get(f"/support/{supported.pk}/card/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "K = L + M + N + P" in body and "T = S ÷ 2" in body
    assert "5,500.00" in body  # (10000 + 2000 − 1000) / 2
    assert "户主（签字）" in body
    assert "150902********" in body  # masked ID
    assert AuditEvent.objects.filter(action="reveal", object_id=str(supported.pk)).exists()


@time_machine.travel(FROZEN, tick=False)
def test_it_makes_a_pdf_with_the_heads_name_as_text(login, dashihao, supported, card):
    r = login(dashihao).get(f"/support/{supported.pk}/card.pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    text = extract_text(io.BytesIO(r.content))
    assert "王德福" in text
    assert "帮扶明白卡" in text


@time_machine.travel(FROZEN, tick=False)
def test_it_makes_one_pdf_for_the_village(login, dashihao, supported, card, outsider_household):
    r = login(dashihao).get(f"/support/village/{DAISHIHAO}/cards.pdf")
    text = extract_text(io.BytesIO(r.content))
    assert "王德福" in text and "孙小河" not in text
    assert login(dashihao).get(f"/support/village/{XIAOSHIHAO}/cards.pdf").status_code == 404


def test_it_hides_income_from_the_supervisor(login, jiandu, supported, card):
    c = login(jiandu)
    assert c.get(f"/support/{supported.pk}/card/").status_code == 403
    r = c.get(f"/support/{supported.pk}/")
    assert "收入信息仅对帮扶工作人员显示" in r.content.decode()


@time_machine.travel(FROZEN, tick=False)
def test_it_saves_an_income_card_typed_in_yuan(login, dashihao, supported):
    r = login(dashihao).post(
        f"/support/{supported.pk}/income/2025/",
        {"size": "3", "wage": "12000.50", "production": "3000", "transfer": "", "costs": "500"},
    )
    assert r.status_code == 302
    card = IncomeCard.objects.get(year=2025)
    assert card.wage == 1_200_050 and card.net == 1_450_050 and card.per_capita == 483_350


@time_machine.travel(FROZEN, tick=False)
def test_it_refuses_a_bad_amount_and_saves_nothing(login, dashihao, supported):
    r = login(dashihao).post(
        f"/support/{supported.pk}/income/2025/", {"size": "3", "wage": "12,000.505"}
    )
    assert r.status_code == 200
    assert "金额最多保留两位小数" in r.content.decode()
    assert IncomeCard.objects.count() == 0


@time_machine.travel(FROZEN, tick=False)
def test_it_runs_the_review_through_the_pages(login, dashihao, malianqu, jining, supported):
    c = login(dashihao)
    c.post(
        f"/support/{supported.pk}/review/",
        {"direction": "enter", "monitor_type": "1", "risk_types": ["01"], "reason": "大病"},
    )
    review = Review.objects.get()
    for user, step in ((dashihao, "village"), (malianqu, "township"), (jining, "county")):
        r = login(user).post(
            f"/support/reviews/{review.pk}/decide/",
            {"step": step, "decision": "approve", "opinion": "同意"},
        )
        assert r.status_code == 302
    supported.refresh_from_db()
    assert supported.status == "monitoring"


def test_it_refuses_a_step_to_the_wrong_post(login, dashihao, jiandu, supported):
    login(dashihao).post(
        f"/support/{supported.pk}/review/",
        {"direction": "enter", "monitor_type": "1", "risk_types": ["01"], "reason": "大病"},
    )
    review = Review.objects.get()
    r = login(jiandu).post(
        f"/support/reviews/{review.pk}/decide/",
        {"step": "village", "decision": "approve", "opinion": "同意"},
    )
    assert r.status_code == 403
    review.refresh_from_db()
    assert review.state == "village"


@time_machine.travel(FROZEN, tick=False)
def test_it_adds_a_measure_for_a_member(login, dashihao, supported):
    member = supported.household.members.exclude(pk=supported.household.head_id).get()
    r = login(dashihao).post(
        f"/support/{supported.pk}/measures/new/",
        {
            "kind": "03",
            "title": "村保洁员",
            "person": str(member.pk),
            "start_date": "2026-03-01",
            "amount": "6000",
            "provider": "马莲渠乡",
            "result": "月增收 500 元",
        },
    )
    assert r.status_code == 302
    m = Measure.objects.get()
    assert m.person == member and m.amount == 600_000


@time_machine.travel(FROZEN, tick=False)
def test_it_masks_income_until_revealed_and_audits_the_reveal(login, dashihao, supported, card):
    c = login(dashihao)
    body = c.get(f"/support/{supported.pk}/").content.decode()
    assert "11,000.00" not in body  # S of the card
    assert "2026 年低于监测标准" in body
    assert not AuditEvent.objects.filter(action="reveal").exists()
    body = c.get(f"/support/{supported.pk}/?reveal=income").content.decode()
    assert "11,000.00" in body
    assert AuditEvent.objects.filter(action="reveal", object_id=str(supported.pk)).count() == 1


def test_it_edits_causes_but_detects_a_stale_form(login, dashihao, supported):
    c = login(dashihao)
    data = {"year_identified": "2016", "causes": ["01", "07"], "notes": "缺技术", "version": "1"}
    assert c.post(f"/support/{supported.pk}/edit/", data).status_code == 302
    supported.refresh_from_db()
    assert supported.causes == ["01", "07"] and supported.version == 2
    r = c.post(f"/support/{supported.pk}/edit/", {**data, "notes": "旧页面"})
    assert "该记录已被他人修改" in r.content.decode()
    supported.refresh_from_db()
    assert supported.notes == "缺技术"


def test_it_narrows_the_list_to_a_unit(login, jining, supported):
    c = login(jining)
    assert "王德福" in c.get("/support/?unit=150902200201").content.decode()
    assert "王德福" not in c.get("/support/?unit=150902200202").content.decode()
