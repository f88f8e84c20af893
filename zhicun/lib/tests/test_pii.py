import datetime

import pytest
from django.core.exceptions import ValidationError

from zhicun.lib.idnumber import make_id_number
from zhicun.lib.pii import check_no_personal_data, find_personal_data

VALID_ID = make_id_number("150902", datetime.date(1980, 5, 17), 123)


def test_it_finds_an_id_number_with_its_line_and_column():
    text = f"第一行\n户主张三，身份证{VALID_ID}，已核实"
    (finding,) = find_personal_data(text)
    assert finding.kind == "id_number"
    assert (finding.line, finding.column) == (2, 9)
    assert finding.describe() == "正文第 2 行第 9 字附近发现身份证号码"


def test_it_ignores_an_18_digit_number_with_a_wrong_check_digit():
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    assert find_personal_data(f"凭证号 {wrong}") == []


def test_it_finds_lower_case_x_check_digits():
    number = next(
        make_id_number("150902", datetime.date(1970, 1, 1), n)
        for n in range(1000)
        if make_id_number("150902", datetime.date(1970, 1, 1), n).endswith("X")
    )
    assert [f.kind for f in find_personal_data(number.lower())] == ["id_number"]


@pytest.mark.parametrize(
    "phone", ["13812345678", "138 1234 5678", "138-1234-5678", "+8613812345678"]
)
def test_it_finds_mobile_numbers_in_common_spellings(phone):
    assert [f.kind for f in find_personal_data(f"联系电话：{phone}。")] == ["mobile"]


def test_it_does_not_report_a_mobile_inside_an_id_number_or_a_long_number():
    assert [f.kind for f in find_personal_data(VALID_ID)] == ["id_number"]
    assert find_personal_data("账号 6222021381234567890") == []
    assert find_personal_data("办公电话 0474-8123456，金额 12345678901 分") == []


def test_it_refuses_with_the_places_named():
    with pytest.raises(ValidationError) as error:
        check_no_personal_data([("标题", "通知"), ("正文", "请联系 13912345678")])
    assert "正文第 1 行第 5 字附近发现手机号码" in error.value.messages[0]


def test_it_passes_clean_text():
    check_no_personal_data([("正文", "2026年10月收入 1200.00 元，支出 300.00 元")])
