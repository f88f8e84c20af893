from zhicun.lib import codes


def test_codes_are_strings_with_leading_zeros():
    assert codes.label("ethnicity", "01") == "汉族"
    assert codes.label("ethnicity", "02") == "蒙古族"
    assert codes.label("political", "01") == "中国共产党党员"


def test_lists_inside_a_shared_file_are_separate():
    assert codes.table("labour")["1"] == "普通劳动力"
    assert codes.table("health")["4"] == "残疾"
    assert "1" in codes.table("disability_category") and "4" in codes.table("disability_grade")
    assert codes.reverse("sex")["女"] == "2"
