"""Import pages: upload → preview → commit, history in scope, outsiders get 404."""

import io

import pytest
from django.urls import reverse

from zhicun.registry.models import ImportBatch, Person
from zhicun.registry.tests.data import sheets


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, rows, encoding="gbk", name="人口.csv", on_existing="skip"):
    f = io.BytesIO(sheets.csv_bytes(rows, encoding))
    f.name = name
    return client.post(reverse("registry:import"), {"file": f, "on_existing": on_existing})


def test_it_shows_the_upload_form(login, dashihao):
    response = login(dashihao).get(reverse("registry:import"))
    assert response.status_code == 200
    assert "上传并预检" in response.content.decode()


def test_collectors_and_supervisors_cannot_import(login, collector1, jiandu):
    assert login(collector1).get(reverse("registry:import")).status_code == 403
    assert login(jiandu).get(reverse("registry:imports")).status_code == 403


def test_it_previews_problems_masked_and_commits_nothing(login, dashihao):
    client = login(dashihao)
    rows = sheets.family("H1", "大十号")
    rows[1]["身份证号码"] = rows[1]["身份证号码"][:-1] + "Y"

    response = upload(client, rows)

    batch = ImportBatch.objects.get()
    page = client.get(response.url).content.decode()
    assert batch.status == ImportBatch.Status.FAILED
    assert "第 3 行" in page and "身份证号码" in page and "确认导入" not in page
    assert rows[1]["身份证号码"] not in page and rows[1]["身份证号码"][:6] + "****" in page
    assert client.post(reverse("registry:import_commit", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and Person.objects.count() == 0


def test_it_commits_a_previewed_file_once(login, dashihao):
    client = login(dashihao)
    response = upload(client, sheets.family("H1", "大十号"))
    batch = ImportBatch.objects.get()
    assert "确认导入" in client.get(response.url).content.decode()

    client.post(reverse("registry:import_commit", args=[batch.pk]))
    second = client.post(reverse("registry:import_commit", args=[batch.pk]), follow=True)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and Person.objects.count() == 3
    assert "不能再次导入" in second.content.decode()


def test_it_refuses_an_oversized_upload_with_a_message(login, dashihao, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 200
    client = login(dashihao)
    response = upload(client, sheets.family("H1", "大十号"))
    page = client.get(response.url).content.decode() if response.status_code == 302 else ""
    assert "文件过大" in page or "文件过大" in response.content.decode()
    assert Person.objects.count() == 0


def test_outsiders_cannot_see_or_commit_another_villages_import(login, dashihao, xiaoshihao):
    upload(login(dashihao), sheets.family("H1", "大十号"))
    batch = ImportBatch.objects.get()

    client = login(xiaoshihao)
    assert client.get(reverse("registry:import_batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("registry:import_commit", args=[batch.pk])).status_code == 404
    listing = client.get(reverse("registry:imports")).content.decode()
    assert batch.file_name not in listing and "暂无导入记录" in listing
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_only_the_uploader_commits(login, dashihao, grid1):
    upload(login(grid1), sheets.family("H1", "大十号"))
    batch = ImportBatch.objects.get()

    client = login(dashihao)
    assert client.get(reverse("registry:import_batch", args=[batch.pk])).status_code == 200
    assert client.post(reverse("registry:import_commit", args=[batch.pk])).status_code == 404
    assert batch.file_name in client.get(reverse("registry:imports")).content.decode()
