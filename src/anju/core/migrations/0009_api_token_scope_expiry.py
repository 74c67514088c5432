"""API tokens get a scope and an expiry. Tokens issued before keep acting (scope "actions") and run for one
default period (ANJU_API_TOKEN_DAYS) from the upgrade; new tokens are read-only unless chosen otherwise."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_existing(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    ApiToken.objects.filter(expires_at=None).update(
        expires_at=timezone.now() + dt.timedelta(days=settings.ANJU_API_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0008_notification")]

    operations = [
        migrations.AlterModelOptions(
            name="apitoken", options={"verbose_name": "API 令牌", "verbose_name_plural": "API 令牌"}
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "只读"), ("actions", "读写（可执行操作）")],
                default="actions",
                max_length=10,
                verbose_name="权限范围",
            ),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "只读"), ("actions", "读写（可执行操作）")],
                default="read",
                max_length=10,
                verbose_name="权限范围",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="有效期至"),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="有效期至"),
        ),
    ]
