"""The import template: headers, example row and drop-down lists; filled in, it imports."""

import io

import openpyxl
import pytest
from django.urls import reverse

from zhicun.registry.models import Household, ImportBatch, Person
from zhicun.registry.tests.data import sheets


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def download(client):
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_it_has_chinese_headers_an_example_and_drop_downs(login, dashihao):
    book = download(login(dashihao))

    sheet = book["人口登记"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["户编号", "自然村", "住址"] and "身份证号码" in headers
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=False))
    assert example["与户主关系"] == "户主" and example["自然村"] == "大十号"
    sources = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    ethnicity = headers.index("民族")
    column = openpyxl.utils.get_column_letter(ethnicity + 1)
    formula = next(f for ref, f in sources.items() if ref.startswith(column + "2"))
    lists = book["代码表"]
    assert lists.sheet_state == "hidden"
    names = [c.value for c in lists[formula.split("!")[1].replace("$", "").split(":")[0][0]]]
    assert names[:3] == ["民族", "汉族", "蒙古族"]


def test_collectors_cannot_download_it(login, collector1):
    assert login(collector1).get(reverse("registry:import_template")).status_code == 403


def test_it_round_trips_filled_in(login, dashihao):
    client = login(dashihao)
    book = download(client)
    sheet = book["人口登记"]
    headers = [c.value for c in sheet[1]]
    for row in sheets.family("H9", "前营子"):
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "人口登记导入模板.xlsx"

    response = client.post(reverse("registry:import"), {"file": upload, "on_existing": "skip"})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.rows_read, batch.persons_created) == (3, 3)  # the example row is ignored
    client.post(reverse("registry:import_commit", args=[batch.pk]))
    household = Household.objects.get(number="H9")
    assert household.hamlet.name == "前营子" and household.head.name == "王大山"
    assert Person.objects.count() == 3
