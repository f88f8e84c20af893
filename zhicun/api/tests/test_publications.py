from zhicun.disclosure.models import Publication

VILLAGE = "150902200201"


def draft(client, **extra):
    data = {"unit": VILLAGE, "kind": "notice", "title": "关于春耕备耕的通知", "body": "各位村民：…"}
    data.update(extra)
    return client.post("/publications", data)


def test_it_drafts_submits_and_publishes(api, dashihao):
    client = api(dashihao)
    r = draft(client)
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["status"] == "draft"
    r = client.patch(f"/publications/{pk}", {"title": "关于春耕备耕工作的通知"})
    assert r.status_code == 200
    assert client.post(f"/publications/{pk}/actions", {"action": "submit"}).status_code == 200
    r = client.post(f"/publications/{pk}/actions", {"action": "approve", "note": "同意"})
    assert r.status_code == 200, r.json()
    pub = Publication.objects.get(pk=pk)
    assert pub.status == "published"
    assert pub.title == "关于春耕备耕工作的通知"
    listed = client.get("/publications", {"status": "published"}).json()
    assert [p["id"] for p in listed["items"]] == [pk]


def test_it_refuses_a_step_out_of_order_with_400(api, dashihao):
    client = api(dashihao)
    pk = draft(client).json()["id"]
    r = client.post(f"/publications/{pk}/actions", {"action": "approve"})
    assert r.status_code == 400
    assert r.json()["detail"] == "只有待审核的内容可以发布"


def test_it_hides_another_villages_publications(api, dashihao, xiaoshihao):
    pk = draft(api(dashihao)).json()["id"]
    outsider = api(xiaoshihao)
    assert outsider.get(f"/publications/{pk}").status_code == 404
    assert outsider.get("/publications").json() == {"count": 0, "items": []}
    assert (
        outsider.post(
            "/publications", {"unit": VILLAGE, "kind": "notice", "title": "x"}
        ).status_code
        == 404
    )
