from datetime import datetime, timedelta

from anju.text.cluster import cluster_texts
from anju.text.dedup import DuplicateIndex, duplicate_hint, similarity

A = "魅力之城小区临街门面油烟直排扰民，烧烤摊长期经营到凌晨，居民无法开窗，请求有关部门处理。"
A2 = "魅力之城小區臨街門面油煙直排擾民！燒烤攤長期經營到凌晨，居民無法開窗，請求有關部門處理"
B = "某建筑公司拖欠农民工工资三个月，三十余名工人讨薪无门，希望劳动监察部门介入。"


def test_similarity():
    assert similarity(A, A2) > 0.9  # traditional + punctuation differences
    assert similarity(A, B) < 0.1
    assert similarity("", "") == 0.0


def test_duplicate_index():
    idx = DuplicateIndex()
    idx.add(123, A)
    idx.add(124, B)
    idx.add(125, "")
    hits = idx.query(A2, threshold=0.5)
    assert hits[0][0] == 123 and hits[0][1] > 0.9
    assert idx.query("完全不同的一句话，关于校车超载", threshold=0.5) == []
    assert idx.query(A, exclude=123) == []
    assert duplicate_hint(123, 0.871) == "可能与事项 #123 为同一事项（相似度 0.87）"
    idx.remove(123)
    assert idx.query(A2) == [] and len(idx) == 2


def test_cluster_texts():
    estate = [
        "魅力之城小区临街门面油烟直排扰民，烧烤摊经营到凌晨",
        "A5区魅力之城小区底层餐馆油烟扰民，晚上营业到凌晨三点",
        "魅力之城小区楼下夜宵摊油烟和噪音严重，居民无法休息",
    ]
    school = [
        "红星职业学院强制学生外出实习，不去就不给毕业证",
        "红星职业学院组织学生去工厂打工，美其名曰实习",
        "红星职业学院寒假强制学生去工厂实习",
    ]
    others = [
        "路灯坏了很久没人修",
        "公交车改线后老人出行不便",
        "医保报销比例太低",
        "村里自来水浑浊发黄",
    ]
    texts = others[:2] + estate + others[2:] + school
    t0 = datetime(2019, 7, 1)
    times = [t0 + timedelta(days=i) for i in range(len(texts))]
    res = cluster_texts(texts, times=times)
    assert len(res.labels) == len(texts)
    lab = res.labels
    assert len({lab[i] for i in (2, 3, 4)}) == 1
    assert len({lab[i] for i in (7, 8, 9)}) == 1
    assert lab[2] != lab[7]
    assert len(set(lab)) == 2 + len(others)  # singletons are clusters too
    assert [h.size for h in res.hotspots] == [3, 3]
    # equal size: the more recent one ranks first
    assert res.hotspots[0].members == [7, 8, 9]
    assert any("魅力" in t or "油烟" in t for t in res.hotspots[1].terms)
    assert res.hotspots[0].last == times[9]


def test_cluster_time_window_and_bad_input():
    texts = ["魅力之城小区油烟扰民严重", "魅力之城小区油烟扰民很严重"]
    times = [datetime(2019, 1, 1), datetime(2019, 12, 1)]
    assert len(set(cluster_texts(texts, times=times).labels)) == 1
    assert len(set(cluster_texts(texts, times=times, window_days=30).labels)) == 2
    assert cluster_texts([]).labels == []
    res = cluster_texts(["", None, "😀", "hello"])
    assert len(res.labels) == 4
