"""``anju assessment-track``: the daily 稳评 tracking job (run it from cron, e.g. every day 06:30).

Links matters registered since each decision in the item's areas and domains, and lists the tracking
tasks that are overdue, so the centre sees forecast against reality without pressing a button.
"""

from __future__ import annotations


def cmd_assessment_track(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.utils import timezone

    from anju.assessment.actions import link_all_matters
    from anju.assessment.models import TrackingTask

    linked = link_all_matters()
    print(f"已决策评估 {len(linked)} 个，新关联事项 {sum(linked.values())} 件。")
    overdue = TrackingTask.objects.filter(
        done_on__isnull=True, deadline__lt=timezone.localdate()
    ).select_related("assessment__item", "owner_unit")
    for task in overdue:
        print(
            f"超期任务：{task.assessment.item.title} — {task.title}（{task.owner_unit.name}，期限 {task.deadline}）"
        )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("assessment-track", help="稳评跟踪：关联决策后登记的事项，列出超期的措施任务")
    p.set_defaults(func=cmd_assessment_track)
