import datetime

import pytest
from django.core.exceptions import ValidationError

from zhicun.lib.idnumber import make_id_number, parse_id_number
from zhicun.lib.masking import mask_id_number, mask_phone


def test_it_accepts_a_current_jining_code_with_a_notice():
    info = parse_id_number("150902196203143338")
    assert info.birth_date == datetime.date(1962, 3, 14)
    assert info.sex == "1"
    assert info.place_known is False


def test_it_normalises_a_lower_case_x():
    number = make_id_number("152601", datetime.date(1980, 1, 1), 2)
    if number.endswith("X"):
        assert parse_id_number(number.lower()).number == number
    info = parse_id_number(" " + number + " ")
    assert info.number == number and info.sex == "2" and info.place_known


@pytest.mark.parametrize(
    "value, message",
    [
        ("150902196203143339", "校验位错误"),
        ("15090219620314333", "应为 18 位"),
        ("150902196202303338", "出生日期不存在"),
        ("150902299901013338", "出生日期"),
        ("15090219620314A338", "前 17 位必须是数字"),
        ("", "请填写"),
    ],
)
def test_it_refuses_bad_numbers_in_chinese(value, message):
    with pytest.raises(ValidationError) as e:
        parse_id_number(value)
    assert message in e.value.messages[0]


def test_masks():
    assert mask_id_number("150902196203143338") == "150902********3338"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
