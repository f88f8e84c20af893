from zhicun.demo.district import HAMLET_A
from zhicun.registry.models import Person
from zhicun.registry.tests import factories


def test_has_finds_a_tag_among_others(unit):
    h = factories.household(unit(HAMLET_A), "张三")
    p = factories.person(h, "张红", groups=["dibao", "wubao"], skills=["电焊", "驾驶"])
    assert list(Person.objects.filter(groups__has="wubao")) == [p]
    assert list(Person.objects.filter(skills__has="驾驶")) == [p]
    assert not Person.objects.filter(groups__has="dib").exists()
