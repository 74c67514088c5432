"""Hotspot keyword chips say what the problem is: no function words, no place names of the caller's areas."""

from anju.text.cluster import cluster_texts, representative_terms

# Five reports about the same problem in 石门村, all with 部分 and the village's name, hand-written.
STONE_GATE = [
    "石门村部分村民反映，石门村自来水管道破裂，部分路段停水三天，饮用水困难。",
    "石门村自来水管道破裂，部分村民家中停水，饮用水没有保障，请求抢修。",
    "部分村民称石门村自来水停水多日，管道破裂无人抢修，饮用水只能外出购买。",
    "石门村的自来水管道破裂停水，部分老人饮用水困难，希望尽快抢修管道。",
    "石门村停水，自来水管道破裂，部分农户饮用水告急。",
]
OTHERS = [
    "幸福小区物业公司擅自提高停车费，业主不满。",
    "某建筑公司拖欠农民工工资八万元，工人多次讨要未果。",
    "学校门口夜间烧烤油烟扰民，噪声很大。",
]


def test_terms_of_a_cluster_leave_out_function_words_and_area_names():
    docs = STONE_GATE + OTHERS
    terms = representative_terms(STONE_GATE, docs, k=20, place_names=["示范县", "石门镇", "石门村"])
    assert terms, "the cluster should still have keywords"
    assert "部分" not in terms
    assert not any("石门" in t for t in terms), terms
    assert any(t in {"自来水", "管道", "停水", "破裂", "饮用水", "抢修"} for t in terms), terms


def test_without_area_names_the_village_is_a_keyword_so_the_control_can_fail():
    docs = STONE_GATE + OTHERS
    terms = representative_terms(STONE_GATE, docs, k=20)
    assert "部分" not in terms
    assert any("石门" in t for t in terms), terms


def test_cluster_texts_passes_the_area_names_to_the_hotspot_terms():
    result = cluster_texts(STONE_GATE + OTHERS, place_names=["石门村"])
    stone_gate = [h for h in result.hotspots if 0 in h.members]
    assert stone_gate, [h.members for h in result.hotspots]
    assert not any("石门" in t or t == "部分" for t in stone_gate[0].terms), stone_gate[0].terms
