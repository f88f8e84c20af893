import datetime

import pytest
from django.core.exceptions import ValidationError

from zhicun.demo.district import HAMLET_A
from zhicun.lib.idnumber import make_id_number
from zhicun.registry import services
from zhicun.registry.models import Person
from zhicun.registry.tests import factories


@pytest.fixture
def home(unit):
    return factories.household(unit(HAMLET_A), "张三")


def add(by, home, **data):
    data.setdefault("name", "张小明")
    data.setdefault("relation", "20")
    return services.person_add(by=by, household=home, **data)


def test_it_derives_sex_and_birth_date_from_the_id_number(collector1, home):
    number = make_id_number("150902", datetime.date(1990, 6, 1), 13)
    p = add(collector1, home, id_number=number.lower())
    p.refresh_from_db()
    assert (p.sex, p.birth_date, p.id_number) == ("1", datetime.date(1990, 6, 1), number)


def test_a_sex_that_contradicts_the_number_is_refused(collector1, home):
    number = make_id_number("150902", datetime.date(1990, 6, 1), 13)
    with pytest.raises(ValidationError) as e:
        add(collector1, home, id_number=number, sex="2")
    assert "性别与身份证号码不符" in str(e.value.message_dict["sex"])
    assert not Person.objects.filter(name="张小明").exists()


def test_a_birth_date_that_contradicts_the_number_is_refused(collector1, home):
    number = make_id_number("150902", datetime.date(1990, 6, 1), 13)
    with pytest.raises(ValidationError) as e:
        add(collector1, home, id_number=number, birth_date=datetime.date(1990, 6, 2))
    assert "1990-06-01" in e.value.message_dict["birth_date"][0]


def test_a_bad_check_digit_is_refused(collector1, home):
    number = make_id_number("150902", datetime.date(1990, 6, 1), 13)
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as e:
        add(collector1, home, id_number=bad)
    assert "校验位" in e.value.message_dict["id_number"][0]


def test_a_registered_number_is_refused_naming_the_household_masked(collector1, home, unit):
    head = home.head
    other = factories.household(unit(HAMLET_A), "李四")
    with pytest.raises(ValidationError) as e:
        add(collector1, other, id_number=head.id_number)
    message = e.value.message_dict["id_number"][0]
    assert home.number in message and head.masked_id in message
    assert head.id_number not in message


def test_a_dead_persons_number_can_be_registered_again(collector1, home):
    number = make_id_number("150902", datetime.date(1950, 1, 1), 13)
    old = add(collector1, home, id_number=number)
    services.person_mark_dead(by=collector1, person=old, date=datetime.date(2025, 1, 1))
    again = add(collector1, home, name="张大明", id_number=number)
    assert again.pk != old.pk


def test_a_second_head_is_refused(collector1, home):
    with pytest.raises(ValidationError):
        add(
            collector1,
            home,
            relation="02",
            id_number=factories.id_number(datetime.date(1980, 1, 1)),
        )


def test_a_disability_grade_needs_a_category(collector1, home):
    with pytest.raises(ValidationError) as e:
        add(
            collector1,
            home,
            id_number=factories.id_number(datetime.date(1980, 1, 1)),
            disability_grade="2",
        )
    assert "disability_category" in e.value.message_dict


def test_an_unknown_code_is_refused(collector1, home):
    with pytest.raises(ValidationError) as e:
        add(
            collector1,
            home,
            id_number=factories.id_number(datetime.date(1980, 1, 1)),
            ethnicity="77",
        )
    assert "ethnicity" in e.value.message_dict


def test_the_pinyin_keys_are_kept(collector1, home):
    p = add(collector1, home, id_number=factories.id_number(datetime.date(1980, 1, 1)))
    assert Person.objects.name_matches("zxm").get() == p
    assert Person.objects.name_matches("zhangxiao").get() == p
