from zhicun.audit.models import AuditEvent
from zhicun.demo.district import GRID1
from zhicun.units.models import Unit
from zhicun.units.services import units_import_csv


def test_it_imports_a_gbk_csv_with_chinese_headers(district, admin_user):
    data = f"代码,名称,层级\n{GRID1}005,新营子,自然村\n{GRID1}006,老营子,\n".encode("gbk")
    result = units_import_csv(by=admin_user, data=data)
    assert result == {"ok": True, "errors": [], "created": 2, "updated": 0}
    assert Unit.objects.get(code=f"{GRID1}006").kind == "hamlet"
    assert AuditEvent.objects.filter(action="unit.import").count() == 1


def test_it_writes_nothing_when_one_row_is_bad(district, admin_user):
    before = Unit.objects.count()
    data = f"code,name,kind\n{GRID1}005,新营子,hamlet\n{GRID1}0066,坏代码,hamlet\n".encode()
    result = units_import_csv(by=admin_user, data=data)
    assert not result["ok"]
    assert any("应为 18 位数字" in e for e in result["errors"])
    assert Unit.objects.count() == before


def test_a_dry_run_writes_nothing(district, admin_user):
    before = Unit.objects.count()
    data = f"code,name\n{GRID1}005,新营子\n".encode()
    assert units_import_csv(by=admin_user, data=data, dry_run=True)["created"] == 1
    assert Unit.objects.count() == before


def test_it_names_duplicates_and_missing_parents(district, admin_user):
    data = "code,name\n150902200201009001,甲\n150902200201009001,乙\n".encode()
    result = units_import_csv(by=admin_user, data=data)
    assert any("重复" in e for e in result["errors"])
    assert any("找不到上级单位 150902200201009" in e for e in result["errors"])
