from zhicun.disclosure.markup import render


def test_it_escapes_script_and_raw_html():
    html = render('<script>alert(1)</script>\n<img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_it_renders_the_small_subset():
    html = render("# 标题\n- 一\n- 二\n\n**重点**内容")
    assert (
        html
        == '<h2 class="h5">标题</h2><ul><li>一</li><li>二</li></ul><p><strong>重点</strong>内容</p>'
    )


def test_it_does_not_let_bold_carry_attributes():
    html = render('**<a href="javascript:alert(1)">x</a>**')
    assert "<a" not in html
