"""Every error is JSON with a Chinese detail and the right status."""


def test_it_answers_422_for_a_malformed_request(api, grid1):
    r = api(grid1).get("/persons", {"limit": "many"})
    assert r.status_code == 422
    assert r.json()["detail"] == "请求格式或参数有误"
    assert "limit" in r.json()["errors"]


def test_it_answers_422_for_a_body_of_the_wrong_shape(api, grid1):
    r = api(grid1).post("/visits", {"household": "x"})
    assert r.status_code == 422
    assert set(r.json()["errors"]) >= {"household", "date", "kind", "findings"}


def test_it_answers_404_in_chinese_for_an_unknown_id(api, grid1):
    r = api(grid1).get("/persons/999999")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "未找到该记录，或不在您的管辖范围内"}


def test_it_serves_the_schema_and_local_docs(client, district):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/units/{code}/stats" in schema.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_it_answers_400_in_chinese_for_a_body_that_is_not_json(api, grid1):
    r = api(grid1).client.post(
        "/api/v1/auth/token", b"\x18\x92\xff", content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json() == {"detail": "请求体无法解析：应为 UTF-8 编码的 JSON"}


def test_it_refuses_a_nul_character_in_a_text_parameter(api, grid1):
    r = api(grid1).get("/households", {"q": "a\x00"})
    assert r.status_code == 422
