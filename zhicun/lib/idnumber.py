"""Resident ID numbers (GB 11643-1999), checked with python-stdnum's `stdnum.cn.ric`.

stdnum's `validate()` also rejects place codes missing from its old location table (e.g.
150902 集宁区), while registers legitimately hold both old and new codes; so we use it for
normalising, the check character and the birth date, and report an unknown place only as a
notice.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    sex: str  # GB/T 2261.1: "1" male, "2" female
    place_known: bool


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IdInfo:
    number = ric.compact(value or "").upper()
    if not number:
        raise ValidationError("请填写身份证号码")
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为 18 位，实际 {len(number)} 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号码前 17 位必须是数字，最后一位是数字或 X")
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, StdnumError, ValueError):
        raise ValidationError("身份证号码中的出生日期不存在") from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError("身份证号码中的出生日期不合理")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError("身份证号码校验位错误，请核对")
    try:
        ric.get_birth_place(number)
        place_known = True
    except (InvalidComponent, StdnumError):
        place_known = False
    sex = "1" if int(number[16]) % 2 else "2"
    return IdInfo(number=number, birth_date=birth, sex=sex, place_known=place_known)


def make_id_number(place: str, birth: datetime.date, sequence: int) -> str:
    """A valid number for demo and test data: 6-digit place, birth date, 3-digit sequence."""
    body = f"{place}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips the last character
