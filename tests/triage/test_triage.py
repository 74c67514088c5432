import pytest
from django.conf import settings

from anju.core.models import AuditEvent
from anju.intake.actions import submit_report
from anju.matters.actions import create_matter
from anju.triage import actions, service
from anju.triage.models import ClassifierModel, Correction

WAGE_TEXT = "东一村某建筑公司拖欠农民工30余人工资共计50万元，工人扬言集体讨薪，请尽快处理。"


def test_lexicon_suggestions_with_facts_cues_and_area(world):
    s = service.suggest(world.centre_staff, WAGE_TEXT)
    assert s.model_kind == "lexicon"
    assert s.domains[0][0].code == "social_security_wages"
    assert s.facts["max_people"] == 30 and s.facts["max_money"] == 500000
    assert {c["phrase"] for c in s.cues} & {"讨薪", "集体讨薪"}
    assert s.area == world.village_a1


def test_area_suggestion_is_limited_to_the_users_scope(world):
    assert service.suggest(world.cadre_b, WAGE_TEXT).area is None


def test_one_pass_per_text_and_model(world):
    calls = service.CLASSIFIER_CALLS["top_k"]
    first = service.analyse(WAGE_TEXT)
    again = service.analyse(WAGE_TEXT)
    assert service.CLASSIFIER_CALLS["top_k"] == calls + 1  # the second asks the cache
    assert again == first and first["domains"][0][0] == "social_security_wages"
    assert first["text_sha256"] == service.text_sha256(WAGE_TEXT) and service.is_current(first, WAGE_TEXT)
    assert not service.is_current(first, WAGE_TEXT + "。")
    service.analyse(WAGE_TEXT + "。")
    assert service.CLASSIFIER_CALLS["top_k"] == calls + 2  # another text is another pass
    _train_on_two_domains(world)
    retrained = service.analyse(WAGE_TEXT)
    assert service.CLASSIFIER_CALLS["top_k"] == calls + 3  # another model too
    assert retrained["model"] == "trained" and not service.is_current(first, WAGE_TEXT)


def test_training_falls_back_to_lexicon_then_learns_from_the_ledger(world):
    first = actions.train_classifier(world.centre_staff)
    assert first.kind == "lexicon"
    for i in range(20):
        create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.wages,
            area=world.village_a1,
            title=f"工资拖欠{i}",
            description=f"第{i}批工人反映工地老板欠薪，要求结清工钱",
        )
        create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.land,
            area=world.village_a1,
            title=f"征地补偿{i}",
            description=f"第{i}组村民对征收土地的补偿标准有异议，要求重新丈量",
        )
    record = actions.train_classifier(world.centre_staff)
    assert record.kind == "trained" and record.n_labelled == 40 and record.active
    assert str(settings.DATA_DIR) in record.path
    assert ClassifierModel.objects.filter(active=True).count() == 1
    s = service.suggest(world.centre_staff, "老板一直不给工人发工钱")
    assert s.model_kind == "trained" and s.domains[0][0] == world.wages
    assert AuditEvent.objects.filter(action="triage.train").count() == 2


def test_only_centre_staff_may_train(world):
    from anju.core.errors import NotAllowed

    for user in (world.grid_worker, world.cadre, world.officer, world.leader, world.auditor):
        with pytest.raises(NotAllowed):
            actions.train_classifier(user)
    assert not ClassifierModel.objects.exists()
    assert actions.train_classifier(world.town_staff).trained_by == world.town_staff  # positive control


def test_report_annotation_and_corrections(world):
    report = submit_report(
        world.grid_worker, channel="grid", text=WAGE_TEXT + " 联系人张三 13812345678", area=world.grid_a1
    )
    report.refresh_from_db()
    assert report.triage["domains"][0][0] == "social_security_wages"
    assert report.suggested_domain == world.wages
    assert "13812345678" not in str(report.triage)
    assert actions.record_correction(world.centre_staff, field="domain", suggested="a", chosen="a") is None
    correction = actions.record_correction(
        world.centre_staff,
        field="domain",
        report=report,
        suggested="social_security_wages",
        chosen="land_requisition",
    )
    assert Correction.objects.get() == correction
    assert AuditEvent.objects.filter(action="triage.correct", object_id=str(correction.pk)).exists()


def _train_on_two_domains(world):
    for i in range(15):
        create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.wages,
            area=world.village_a1,
            title=f"工资拖欠{i}",
            description=f"第{i}批工人反映工地老板欠薪，要求结清工钱",
        )
        create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.land,
            area=world.village_a1,
            title=f"征地补偿{i}",
            description=f"第{i}组村民对征收土地的补偿标准有异议，要求重新丈量",
        )
    return actions.train_classifier(world.centre_staff)


def test_a_model_file_changed_after_training_is_never_unpickled(world):
    record = _train_on_two_domains(world)
    assert len(record.sha256) == 64
    assert service.suggest(world.centre_staff, "老板一直不给工人发工钱").model_kind == "trained"
    with open(record.path, "ab") as fh:  # someone with access to the data folder appends to the pickle
        fh.write(b"tampered")
    service._cache.clear()
    assert service.suggest(world.centre_staff, "老板一直不给工人发工钱").model_kind == "lexicon"


def test_a_model_outside_the_data_folder_is_never_loaded(world, tmp_path):
    record = _train_on_two_domains(world)
    outside = tmp_path / "elsewhere.pkl"
    outside.write_bytes(open(record.path, "rb").read())
    ClassifierModel.objects.filter(pk=record.pk).update(path=str(outside))  # same bytes, same hash
    service._cache.clear()
    assert service.suggest(world.centre_staff, "老板一直不给工人发工钱").model_kind == "lexicon"
