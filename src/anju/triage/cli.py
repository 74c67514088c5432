"""``anju retrain-triage``: the scheduled retraining of the deployment's classifier (e.g. nightly cron)."""

from __future__ import annotations


def cmd_retrain(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.triage.actions import train_classifier

    record = train_classifier(None, min_labelled=args.min_labelled)
    print(
        f"{record.kind}: {record.n_labelled} 条已分类事项, {len(record.labels)} 个领域, "
        f"{record.size_bytes / 1024:.0f} KB -> {record.path}"
    )
    return 0


def register(subparsers) -> None:
    from anju.text import MIN_LABELLED

    p = subparsers.add_parser("retrain-triage", help="用台账中已分类的事项重新训练领域分类模型")
    p.add_argument("--min-labelled", type=int, default=MIN_LABELLED)
    p.set_defaults(func=cmd_retrain)
