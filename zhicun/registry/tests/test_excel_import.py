"""The import service: preview names every problem, commit writes all rows or none."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from zhicun.audit import chain
from zhicun.audit.models import AuditEvent
from zhicun.lib.idnumber import make_id_number
from zhicun.registry.excel import importer
from zhicun.registry.excel.importer import import_commit, import_preview
from zhicun.registry.models import Household, ImportBatch, Person
from zhicun.registry.services import clean_person
from zhicun.registry.tests import factories
from zhicun.registry.tests.data import sheets

VILLAGE = "150902200201"
HAMLET_A = "150902200201001001"  # 大十号, grid 1
HAMLET_E = "150902200201002001"  # 西梁, grid 2
SKIP = ImportBatch.OnExisting.SKIP
UPDATE = ImportBatch.OnExisting.UPDATE


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def preview(user, unit, data, name="人口.csv", on_existing=SKIP):
    return import_preview(by=user, unit=unit, file_name=name, data=data, on_existing=on_existing)


def messages_of(batch):
    return [(p["row"], p["column"], p["message"]) for p in batch.errors if not p["warning"]]


def test_it_names_every_problem_of_a_messy_gbk_csv_and_writes_nothing(dashihao, unit):
    rows = sheets.family("H1", "大十号") + sheets.family("H2", "前营子", surname="赵")
    bad = rows[1]["身份证号码"]
    rows[1]["身份证号码"] = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # wrong check digit
    rows.append(dict(rows[4]))  # the same person twice
    rows[3]["出生日期"] = "1970-01-01"  # not the date in the number
    rows[5]["民族"] = "火星族"

    batch, plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows, "gbk"))

    assert batch.status == ImportBatch.Status.FAILED
    found = messages_of(batch)
    assert (3, "身份证号码", "身份证号码校验位错误，请核对") in found
    assert any(r == 5 and c == "出生日期" and "不符" in m for r, c, m in found)
    assert any(r == 7 and c == "民族" and "火星族" in m for r, c, m in found)
    assert (8, "身份证号码", "与第 6 行的身份证号码重复") in found
    masked = [p["value"] for p in batch.errors if p["row"] == 3][0]
    assert "*" in masked and masked != rows[1]["身份证号码"]
    assert Household.objects.count() == 0 and Person.objects.count() == 0


def test_it_imports_a_clean_file_only_when_committed(dashihao, unit):
    data = sheets.csv_bytes(
        sheets.family("H1", "大十号") + sheets.family("H2", HAMLET_E, "赵"), "gbk"
    )
    batch, _plan = preview(dashihao, unit(VILLAGE), data)
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.households_created, batch.persons_created) == (2, 6)
    assert Person.objects.count() == 0

    import_commit(by=dashihao, batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    h1 = Household.objects.get(number="H1")
    assert h1.hamlet.code == HAMLET_A and h1.head.name == "王大山"
    assert str(h1.land_area) == "10.50"
    assert h1.members.count() == 3
    assert "wxm" in Person.objects.get(name="王小明").name_initials
    assert Household.objects.get(number="H2").hamlet.code == HAMLET_E
    audits = AuditEvent.objects.filter(actor=dashihao)
    assert audits.filter(action="create", object_type="registry.person").count() == 6
    assert audits.filter(action="create", object_type="registry.household").count() == 2
    event = audits.get(action="import")
    assert event.details["persons_created"] == 6
    created = audits.filter(object_type="registry.person").first()
    assert "*" in created.details["changes"]["id_number"][1]
    checked, broken = chain.verify(AuditEvent.objects.order_by("id"))
    assert broken is None and checked == AuditEvent.objects.count()


def test_it_finds_missing_and_double_heads(dashihao, unit):
    rows = sheets.family("H1", "大十号")
    rows[0]["与户主关系"] = "子"
    twin = sheets.family("H2", "大十号")
    twin[1]["与户主关系"] = "户主"

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows + twin))

    found = messages_of(batch)
    assert any(r == 2 and "户 H1 没有户主" in m for r, _c, m in found)
    assert any(r == 6 and "户 H2 有 2 名户主（第 5、6 行）" in m for r, _c, m in found)


def test_it_refuses_household_columns_that_disagree(dashihao, unit):
    rows = sheets.family("H1", "大十号")
    rows[2]["住址"] = "别处"

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows))

    assert messages_of(batch)[0][:2] == (4, "住址")


def test_it_writes_nothing_when_the_commit_fails_midway(dashihao, unit):
    data = sheets.csv_bytes(sheets.family("H1", "大十号") + sheets.family("H2", "大十号"))
    batch, _plan = preview(dashihao, unit(VILLAGE), data)

    failing = mock.patch.object(importer, "audit_append", side_effect=RuntimeError("disk"))
    with failing, pytest.raises(RuntimeError):
        import_commit(by=dashihao, batch=batch)

    assert Household.objects.count() == 0 and Person.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_it_imports_the_same_file_twice_without_duplicates(dashihao, unit):
    data = sheets.csv_bytes(sheets.family("H1", "大十号"))
    first, _plan = preview(dashihao, unit(VILLAGE), data)
    import_commit(by=dashihao, batch=first)

    again, _plan = preview(dashihao, unit(VILLAGE), data)
    assert again.status == ImportBatch.Status.PREVIEWED
    assert (again.persons_created, again.rows_skipped) == (0, 3)
    import_commit(by=dashihao, batch=again)

    assert Person.objects.count() == 3 and Household.objects.count() == 1
    again.refresh_from_db()
    assert again.status == ImportBatch.Status.COMMITTED and again.file_sha256 == first.file_sha256


def test_it_skips_or_updates_already_registered_persons(dashihao, unit):
    household = factories.household(unit(HAMLET_A), "王大山", number="H1")
    head = household.head
    rows = [sheets.member("H1", "大十号", "王大山", birth=head.birth_date.timetuple()[:3])]
    rows[0]["身份证号码"] = head.id_number
    rows[0]["手机号"] = "13911112222"
    rows[0]["政治面貌"] = "党员"
    rows.append(sheets.member("H1", "大十号", "王二", "子", (1995, 3, 3)))
    data = sheets.csv_bytes(rows)

    skipped, _plan = preview(dashihao, unit(VILLAGE), data, on_existing=SKIP)
    import_commit(by=dashihao, batch=skipped)
    head.refresh_from_db()
    assert head.phone == "" and skipped.rows_skipped == 1 and skipped.persons_created == 1

    updated, _plan = preview(dashihao, unit(VILLAGE), data, on_existing=UPDATE)
    import_commit(by=dashihao, batch=updated)
    head.refresh_from_db()
    assert (head.phone, head.political, head.version) == ("13911112222", "01", 2)
    assert (updated.persons_updated, updated.persons_created) == (1, 0)
    change = AuditEvent.objects.for_object(head).get(action="update")
    assert change.details["changes"]["phone"] == ["", "139****2222"]


def test_it_refuses_a_household_head_added_to_an_existing_household(dashihao, unit):
    factories.household(unit(HAMLET_A), "王大山", number="H1")
    rows = [sheets.member("H1", "大十号", "王新", "户主", (1980, 1, 1))]

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows))

    assert "户 H1 已有户主" in messages_of(batch)[0][2]


def test_it_refuses_hamlets_outside_the_users_scope(grid1, unit):
    rows = sheets.family("H1", "西梁") + sheets.family("H2", "小十号")

    batch, _plan = preview(grid1, unit(VILLAGE + "001"), sheets.csv_bytes(rows))

    found = messages_of(batch)
    assert any(r == 2 and c == "自然村" and "没有名为“西梁”" in m for r, c, m in found)
    assert any(r == 5 and c == "自然村" for r, c, m in found)
    assert Person.objects.count() == 0


def test_it_refuses_a_person_registered_in_another_village(dashihao, xiaoshihao, unit):
    other = factories.household(unit("150902200202001001"), "孙某")
    rows = sheets.family("H1", "大十号")
    rows[2]["身份证号码"] = other.head.id_number

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows))

    assert (4, "身份证号码", "该身份证号码已在其他单位登记，不能重复登记") in messages_of(batch)


def test_it_accepts_codes_instead_of_names(dashihao, unit):
    rows = sheets.family("H1", HAMLET_A)
    for row in rows:
        row.update(
            {"民族": "02", "性别": "", "与户主关系": {"户主": "02"}.get(row["与户主关系"], "20")}
        )
    rows[1]["与户主关系"] = "10"

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows, "utf-8-sig"))
    import_commit(by=dashihao, batch=batch)

    assert set(Person.objects.values_list("ethnicity", flat=True)) == {"02"}
    assert Person.objects.get(name="李桂兰").sex == "2"


def test_collectors_cannot_import(collector1, unit):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview(collector1, unit(HAMLET_A), sheets.csv_bytes(sheets.family("H1", "大十号")))


def test_it_does_not_change_residence_on_update(dashihao, unit):
    household = factories.household(unit(HAMLET_A), "王大山", number="H1")
    row = sheets.member("H1", "大十号", "王大山", birth=household.head.birth_date.timetuple()[:3])
    row.update({"身份证号码": household.head.id_number, "居住状态": "外出务工"})

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes([row]), on_existing=UPDATE)
    import_commit(by=dashihao, batch=batch)

    household.head.refresh_from_db()
    assert household.head.residence == "resident"
    assert any("通过登记流动办理" in p["message"] for p in batch.errors)


def test_it_refuses_id_numbers_stored_as_numbers(dashihao, unit):
    rows = sheets.family("H1", "大十号")
    rows[0]["身份证号码"] = float(rows[0]["身份证号码"][:17] + "0")

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.xlsx_bytes(rows), name="人口.xlsx")

    assert any(r == 2 and "存成了数字" in m for r, _c, m in messages_of(batch))


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"id_number": "15090219800101001X"},
        {"sex": "2"},
        {"birth_date": datetime.date(1980, 1, 2)},
        {"disability_grade": "2"},
        {"health": "4"},
        {"name": " "},
        {"id_number": "150902198013010012"},
        {"id_number": "15090219800101001"},
    ],
)
def test_its_shortcut_agrees_with_clean_person(change):
    """Rows that look clean skip the full model clean; the registry's verdict must agree."""
    number = make_id_number("150902", datetime.date(1980, 1, 1), 1)
    fields = {"name": "王大山", "id_number": number, "sex": "1", "relation": "02"}
    fields.update(change)
    fast = importer._looks_clean(dict(fields), None) is not None
    try:
        clean_person(Person(**fields, residence="dead"))
        full = True
    except ValidationError:
        full = False
    assert full or not fast  # never accepts what the registry refuses
    assert fast == (change == {})


def test_it_names_a_bad_head_row_once(dashihao, unit):
    rows = sheets.family("H1", "大十号")
    rows[0]["身份证号码"] = "123"
    rows[1]["自然村"] = HAMLET_A  # the same hamlet, by code

    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(rows))

    assert messages_of(batch) == [(2, "身份证号码", "身份证号码应为 18 位，实际 3 位")]


def test_the_commit_starts_from_the_rows_the_preview_read(dashihao, unit):
    data = sheets.xlsx_bytes(sheets.family("H1", "大十号"))
    batch, _plan = preview(dashihao, unit(VILLAGE), data, name="人口.xlsx")

    with mock.patch.object(importer, "read_table", side_effect=AssertionError("parsed again")):
        import_commit(by=dashihao, batch=batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    head = Person.objects.get(name="王大山")
    assert head.birth_date == datetime.date(1965, 4, 2) and head.household.land_area == 10.5
    assert not any(importer.storage.upload_dir().iterdir())


@pytest.mark.parametrize("damage", ["removed", "changed"])
def test_the_commit_reads_the_file_again_if_the_kept_rows_are_gone_or_changed(
    dashihao, unit, damage
):
    batch, _plan = preview(dashihao, unit(VILLAGE), sheets.csv_bytes(sheets.family("H1", "大十号")))
    kept = importer.storage.upload_dir() / (batch.file_sha256 + importer.storage.PARSED)
    if damage == "removed":
        kept.unlink()
    else:
        kept.write_bytes(kept.read_bytes().replace("王大山".encode(), "王二山".encode()))

    import_commit(by=dashihao, batch=batch)

    assert set(Person.objects.values_list("name", flat=True)) == {"王大山", "李桂兰", "王小明"}
