"""Duplicate candidates: one score (Jaccard similarity of character bigrams, 0..1) from both sources, and
an index that follows the ledger without being rebuilt. Pairs and orders are written by hand."""

from __future__ import annotations

from anju.intake import actions, duplicates
from anju.intake.duplicates import MIN_SIMILARITY, ledger_index, similarity
from anju.matters import actions as matter_actions

from .helpers import report_kwargs

BBQ = "幸福小区楼下烧烤店油烟和噪音扰民，晚上十二点还在营业"
BBQ_AGAIN = "幸福小区楼下的烧烤店每天晚上营业到十二点，油烟噪音扰民严重"
STREETLIGHT = "东一村村民反映村道路灯损坏多日无人维修"
RUBBISH = "东一村村民反映村里垃圾清运不及时，气味很大"
SCHOOL_BUS = "学校门口校车超载，家长担心安全"


def test_a_near_duplicate_scores_above_the_threshold_and_unrelated_pairs_below():
    assert similarity(BBQ, BBQ) == 1.0
    assert similarity(BBQ, BBQ_AGAIN) > MIN_SIMILARITY  # the same complaint in other words
    # two complaints of one village share its name and phrasing, and still fall below
    assert similarity(STREETLIGHT, RUBBISH) < MIN_SIMILARITY
    assert similarity(BBQ, SCHOOL_BUS) == 0.0
    assert similarity(BBQ, BBQ_AGAIN) > similarity(STREETLIGHT, RUBBISH) > similarity(BBQ, SCHOOL_BUS)
    # spacing, punctuation and traditional characters do not count
    assert similarity("幸福小区 烧烤店, 油烟擾民!", "幸福小区烧烤店油烟扰民") == 1.0


def test_a_hand_written_list_is_ranked_as_a_reader_would():
    query = "幸福小区楼下烧烤店晚上油烟扰民"
    renovation = "阳光小区楼下装修噪音扰民，晚上还在施工"  # another nuisance in another estate
    texts = [SCHOOL_BUS, renovation, BBQ_AGAIN, BBQ]
    ranked = sorted(texts, key=lambda t: similarity(query, t), reverse=True)
    assert ranked == [BBQ, BBQ_AGAIN, renovation, SCHOOL_BUS]
    assert [similarity(query, t) >= MIN_SIMILARITY for t in ranked] == [True, True, False, False]


def _matter(world, text, *, area=None, title="油烟扰民"):
    return matter_actions.create_matter(
        world.centre_staff,
        kind="demand",
        domain=world.wages,
        area=area or world.village_a1,
        title=title,
        description=text,
    )


def test_both_sources_give_the_same_score(world):
    """A matter in the report's village is found by both the village comparison and the ledger index; a
    matter of another town only by the index (for a county user). Their scores rank together."""
    near = _matter(world, BBQ)
    far = _matter(world, BBQ_AGAIN, area=world.village_b1)
    report = actions.submit_report(world.centre_staff, **report_kwargs(world, title="油烟扰民", text=BBQ))
    found = {c.matter: c.score for c in duplicates.candidates(world.centre_staff, report)}
    assert found[near] == 1.0
    assert found[far] == round(similarity(f"油烟扰民。{BBQ}", f"油烟扰民。{BBQ_AGAIN}"), 2)
    from_index = dict(
        (c.matter, c.score) for c in duplicates.similar_matters(world.centre_staff, f"油烟扰民。{BBQ}")
    )
    assert from_index == found


def test_near_duplicates_are_found_in_scope_only(world):
    matter = _matter(world, BBQ)
    assert [c.matter for c in duplicates.similar_matters(world.cadre, BBQ_AGAIN)] == [matter]
    assert 0.3 < duplicates.similar_matters(world.cadre, BBQ_AGAIN)[0].score < 1.0
    assert duplicates.similar_matters(world.cadre_b, BBQ_AGAIN) == []
    assert duplicates.similar_matters(world.cadre, BBQ_AGAIN, exclude=matter.pk) == []
    assert duplicates.similar_matters(None, BBQ_AGAIN) == []


def test_the_index_follows_the_ledger_without_rebuilding(world):
    first = _matter(world, BBQ)
    assert [c.matter for c in duplicates.similar_matters(world.centre_staff, BBQ)] == [first]
    second = _matter(world, BBQ_AGAIN, title="烧烤扰民")  # created after the index was built
    found = [c.matter for c in duplicates.similar_matters(world.centre_staff, BBQ)]
    assert found == [first, second]
    assert ledger_index.builds == 1
    assert len(ledger_index.current()) == 2
