"""Choices shared by the emergency models: grades, response levels, statuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """The four grades of an event (突发事件分级)."""

    EXTRAORDINARY = "extraordinary", _("特别重大")
    MAJOR = "major", _("重大")
    LARGE = "large", _("较大")
    GENERAL = "general", _("一般")


class ResponseLevel(models.IntegerChoices):
    """Response levels: 一级 is the highest."""

    I = 1, _("一级")  # noqa: E741
    II = 2, _("二级")
    III = 3, _("三级")
    IV = 4, _("四级")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办结")
