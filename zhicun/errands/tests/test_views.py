"""Pages: register on a phone, act, custody on the home page, and scope from the outside."""

import pytest

from zhicun.errands import services
from zhicun.errands.models import CustodyItem, Errand, Payment, State
from zhicun.errands.tests.factories import kind, register, villager


@pytest.mark.django_db
def test_it_registers_once_from_a_double_submitted_form(login, grid1):
    person = villager()
    client = login(grid1)
    form = {
        "idempotency_key": "abc123",
        "person": person.pk,
        "type": kind("social_insurance").pk,
        "need": "缴纳2027年度养老保险",
        "documents": "",
        "channel": "door",
    }
    first = client.post("/errands/new/", form)
    second = client.post("/errands/new/", form)
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    errand = Errand.objects.get()
    assert errand.documents_required == ["身份证", "社保卡或缴费存折"]


@pytest.mark.django_db
def test_it_walks_the_errand_through_the_page(login, grid1):
    errand = register(grid1)
    client = login(grid1)
    url = f"/errands/{errand.pk}/act/"

    def act(**data):
        errand.refresh_from_db()
        return client.post(url, {"version": errand.version, **data})

    assert act(action="receive", name="身份证", original="1").status_code == 302
    assert act(action="receive", name="缴费户号", original="0").status_code == 302
    assert act(action="start", office="供电所").status_code == 302
    assert act(action="pay", amount="88.50", receipt_no="E1").status_code == 302
    assert act(action="reply", result="已缴", method="visit").status_code == 302
    act(action="close", confirmed="1")
    errand.refresh_from_db()
    assert errand.state == State.REPLIED  # refused: documents still held
    for item in CustodyItem.objects.filter(errand=errand):
        act(action="give_back", item=item.pk, returned_to="王秀英", confirmed="1")
    act(action="close", confirmed="1")
    errand.refresh_from_db()
    assert errand.state == State.CLOSED
    assert Payment.objects.get().amount_fen == 8850
    page = client.get(f"/errands/{errand.pk}/")
    assert page.status_code == 200
    assert "村民确认，办结" in page.content.decode()


@pytest.mark.django_db
def test_it_shows_the_close_refusal_naming_the_documents(login, grid1):
    errand = register(grid1)
    services.custody_receive(errand=errand, by=grid1, name="社保卡")
    services.errand_start(errand=errand, by=grid1)
    services.errand_reply(errand=errand, by=grid1, result="好了", method="phone")
    client = login(grid1)
    errand.refresh_from_db()
    response = client.post(
        f"/errands/{errand.pk}/act/",
        {"action": "close", "confirmed": "1", "version": errand.version},
        follow=True,
    )
    assert "还有材料在托管中，请先归还：社保卡" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_bad_amount_with_a_chinese_message(login, grid1):
    errand = register(grid1)
    services.errand_start(errand=errand, by=grid1)
    errand.refresh_from_db()
    response = login(grid1).post(
        f"/errands/{errand.pk}/act/",
        {"action": "pay", "amount": "12.345", "receipt_no": "E1", "version": errand.version},
        follow=True,
    )
    assert "两位小数" in response.content.decode()
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_it_lists_open_custody_on_the_home_page(login, grid1):
    errand = register(grid1)
    services.custody_receive(errand=errand, by=grid1, name="户口簿")
    response = login(grid1).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "我托管的材料（1 件未归还）" in body and "户口簿" in body


@pytest.mark.django_db
def test_it_hides_an_errand_from_an_outsider(login, grid1, xiaoshihao):
    errand = register(grid1)
    client = login(xiaoshihao)
    assert client.get(f"/errands/{errand.pk}/").status_code == 404
    response = client.post(f"/errands/{errand.pk}/act/", {"action": "cancel", "note": "x"})
    assert response.status_code == 404
    listing = client.get("/errands/")
    assert listing.context["total"] == 0
    errand.refresh_from_db()
    assert errand.state == State.REGISTERED


@pytest.mark.django_db
def test_it_shows_no_outside_counts_in_statistics(login, grid1, xiaoshihao):
    register(grid1)
    client = login(xiaoshihao)
    assert client.get("/errands/stats/?unit=150902200201").status_code == 404
    response = client.get("/errands/stats/")
    assert response.status_code == 200
    assert response.context["data"]["running_total"] == 0


@pytest.mark.django_db
def test_it_opens_pension_errands_from_the_page(login, grid1):
    person = villager("张老汉", head_birth=(1950, 1, 1))
    person.pension_receiving = True
    person.save()
    client = login(grid1)
    page = client.get("/errands/pension/?days=30")
    assert "张老汉" in page.content.decode()
    client.post("/errands/pension/", {"days": "30"})
    client.post("/errands/pension/", {"days": "30"})
    assert Errand.objects.filter(type__code="pension", person=person).count() == 1


@pytest.mark.django_db
def test_it_lets_the_administrator_edit_the_catalogue(login, admin_user, grid1):
    client = login(admin_user)
    utilities = kind("utilities")
    response = client.post(
        f"/errands/catalogue/{utilities.pk}/",
        {
            "name": "代缴水电费",
            "description": "代缴水费、电费",
            "documents_text": "缴费户号\n身份证",
            "limit_days": "3",
            "order": "4",
            "active": "on",
            "pays_money": "on",
        },
    )
    assert response.status_code == 302
    utilities.refresh_from_db()
    assert utilities.documents == ["缴费户号", "身份证"] and utilities.limit_days == 3
    assert login(grid1).get("/errands/catalogue/").status_code == 403
