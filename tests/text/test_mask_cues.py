from anju.text import escalation_cues, has_escalation, mask
from anju.text.mask import find_names


def test_mask_examples():
    assert mask("联系人：张三丰，电话13812345678") == "联系人：张**，电话138****5678"
    assert mask("我叫李小明，身份证号11010519491231002X") == "我叫李**，身份证号1101**********002X"
    assert mask("座机0731-84561234") == "座机0731-****1234"
    assert mask("胡华衡书记您好，欧阳娜娜女士反映") == "胡**书记您好，欧阳**女士反映"
    assert mask("姓名:刘德华 手机:+86 139-1234-5678") == "姓名:刘** 手机:+86 139-****-5678"


def test_mask_keeps_length_and_offsets():
    text = "反映人：王五，電話１３８１２３４５６７８。"
    out = mask(text)
    assert len(out) == len(text)
    assert "王*" in out and "５６７８" in out and "１２３４" not in out


def test_mask_leaves_plain_text_and_bad_input():
    assert mask("县委李书记来了") == "县委李书记来了"  # surname only: nothing to hide
    assert mask("张某某先生") == "张某某先生"
    assert mask(None) == ""
    assert mask("") == ""
    assert mask("no chinese 12345") == "no chinese 12345"
    assert mask("订单号123456789012345678") == "订单号123456789012345678"  # not a valid ID


def test_mask_can_keep_names():
    assert mask("联系人：张三丰 13812345678", names=False) == "联系人：张三丰 138****5678"


def test_names():
    assert [n.value for n in find_names("我叫王小二，我的邻居赵先生")] == ["王小二"]


def test_escalation_cues():
    cues = escalation_cues("农民工讨薪，扬言集体上访并堵路，有人要跳楼，工人已罢工")
    assert [c.phrase for c in cues] == ["讨薪", "集体上访", "堵路", "跳楼", "罢工"]
    assert {c.category for c in cues} >= {"劳资纠纷", "群体聚集", "阻断围堵", "极端行为"}
    assert has_escalation("群体围堵政府大门")
    assert not has_escalation("路灯坏了请修理")
    text = "集體上訪"
    (c,) = escalation_cues(text)
    assert c.phrase == "集体上访" and text[c.start : c.end] == "集體上訪"
    assert [c.phrase for c in escalation_cues("要去市里拉横幅", extra=["市里"])] == ["市里", "拉横幅"]
    assert escalation_cues(None) == []


def test_name_titles_off_keeps_only_cued_names():
    text = "十余名工人反映，联系人张三丰，王建国先生在场"
    assert mask(text) == "十余*工人反映，联系人张**，王**先生在场"
    assert mask(text, name_titles=False) == "十余名工人反映，联系人张**，王建国先生在场"
