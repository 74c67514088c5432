import time

import pytest

from anju.text import extract, normalize, suggest_area, to_simplified, valid_id_card
from anju.text.extract import find_dates, find_money, find_orgs, find_people, find_phones, find_places
from anju.text.numerals import parse_number


def test_normalize_html_width_traditional():
    assert normalize("<p>這是一個測試&nbsp;關於臺灣，１３８</p>") == "这是一个测试 关于台湾,138"
    assert normalize(None) == ""
    assert normalize(12) == "12"
    assert to_simplified("頭髮乾燥", keep_length=True) == "头发干燥"


def test_normalize_bounded_on_huge_input():
    big = "據說" * 50_000  # 100,000 characters, traditional
    t0 = time.perf_counter()
    out = normalize(big, max_chars=1000)
    assert len(out) == 1000 and out.startswith("据说")
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize(
    "text,value",
    [
        ("三十", 30),
        ("1.5万", 15000),
        ("二〇一九", 2019),
        ("三万五", 35000),
        ("十几", 12),
        ("一万二千", 12000),
        ("两千三", 2300),
        ("一百零五", 105),
        ("几十", 20),
        ("壹佰贰拾", 120),
        ("一亿二千万", 120_000_000),
        ("3万5千", 35000),
        ("1,200", 1200),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_parse_number_rejects_non_numbers():
    assert parse_number("abc") is None
    assert parse_number("") is None


@pytest.mark.parametrize(
    "text,value,approx",
    [
        ("拖欠工资共计125万元", 1_250_000, False),
        ("一百五十元", 150, False),
        ("3万多元", 30_000, True),
        ("约1.2亿元的项目", 120_000_000, False),
        ("欠款二十万元", 200_000, False),
        ("花了3,500元", 3500, False),
        ("五千块钱", 5000, False),
    ],
)
def test_money(text, value, approx):
    (m,) = find_money(text)
    assert m.value == value and m.approx == approx
    assert text[m.start : m.end] == m.text


def test_money_ignores_units_that_are_not_money():
    assert find_money("住在3单元502室") == []


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("农民工30余人工资被拖欠", 30, "人"),
        ("几十户居民受影响", 20, "户"),
        ("三百多名工人聚集", 300, "名"),
        ("十几个村民到场", 12, "人"),
        ("数百人围观", 200, "人"),
    ],
)
def test_people(text, value, unit):
    (p,) = find_people(text)
    assert p.value == value and p.unit == unit


def test_people_not_money_or_sessions():
    assert find_people("共计3人民币") == []


def test_dates():
    vals = [e.value for e in find_dates("2019年3月5日、2019-03-06、二〇一九年四月和3月8日")]
    assert vals == ["2019-03-05", "2019-03-06", "2019-04", "--03-08"]
    from datetime import date

    assert [e.value for e in find_dates("去年12月", today=date(2020, 5, 1))] == ["2019-12"]
    assert find_dates("13月45日") == []


def test_places_gazetteer_and_own_areas():
    text = "家住長沙市岳麓区麓谷街道魅力之城小区"
    places = find_places(text, areas={"yuelu": ["岳麓区"], "lugu": ["麓谷街道", "麓谷"]})
    kinds = {(p.text, p.unit, p.value) for p in places}
    assert ("長沙市", "gazetteer", "长沙市") in kinds
    assert ("岳麓区", "area", "yuelu") in kinds
    assert ("麓谷街道", "area", "lugu") in kinds
    assert suggest_area(text, {"yuelu": ["岳麓区"], "lugu": ["麓谷街道"]}) == "lugu"
    assert suggest_area("没有地名", ["岳麓区"]) is None
    assert any(p.value == "湖南省" for p in find_places("湖南的事情"))


def test_orgs():
    names = {
        o.value
        for o in find_orgs("我们在湖南恒远建设有限公司打工，孩子在红星中学，住在长沙市岳麓区魅力之城小区")
    }
    assert {"湖南恒远建设有限公司", "红星中学", "魅力之城小区"} <= names


def test_phones_and_id_cards():
    text = "电话13812345678，座机0731-84561234，身份证11010519491231002X，假号110105194912310021"
    phones = find_phones(text)
    assert [(p.value, p.unit) for p in phones] == [("13812345678", "mobile"), ("073184561234", "landline")]
    ex = extract(text)
    assert [e.value for e in ex.id_cards] == ["11010519491231002X"]
    assert valid_id_card("11010519491231002X")
    assert not valid_id_card("110105194912310021")  # wrong check digit
    assert not valid_id_card("110105194913310020")  # no 13th month


def test_extract_bad_input():
    for bad in ("", None, "😀😀 hello <b>world</b>", "no chinese at all 12345", "x" * 100_000):
        ex = extract(bad)
        assert isinstance(ex.all(), list)
    t0 = time.perf_counter()
    extract("农民工30余人讨薪。" * 10_000)
    assert time.perf_counter() - t0 < 20


def test_extract_as_dict_and_max():
    ex = extract("农民工30余人被拖欠工资125万元，另有几十户")
    assert ex.max_money == 1_250_000
    assert ex.max_people == 30
    assert set(ex.as_dict()) == {"money", "people", "dates", "places", "orgs", "phones", "id_cards"}
