"""The administration pages' forms (管理). They read what was typed; ``admin_actions`` checks the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.models import Area, AreaLevel, Domain, EmergencyClass, Unit, UnitKind
from anju.core.pickers import pickerise
from anju.core.punctuation import paren
from anju.core.roles import Role
from anju.core.scoping import scoped


class AreaChoiceField(forms.ModelChoiceField):
    """Areas indented by their depth in the tree, so that two villages of the same name can be told apart."""

    def label_from_instance(self, obj):
        return "　" * max(obj.depth - 1, 0) + obj.name + paren(obj.code)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name + paren(obj.area.name)


def seen_field():
    """What the page showed of the object (``admin_actions.*_fingerprint``): a change made meanwhile is refused."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)


class AreaForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    latitude = forms.FloatField(label=_("纬度"), required=False, help_text=_("地图上标注的位置，可留空。"))
    longitude = forms.FloatField(label=_("经度"), required=False)
    seen = seen_field()


class ChildAreaForm(AreaForm):
    code = forms.CharField(
        label=_("区划代码"), max_length=20, help_text=_("6–20 位数字（默认 12 位统计用区划代码）。")
    )
    level = forms.TypedChoiceField(
        label=_("层级"),
        choices=[("", _("比上级低一级"))] + list(AreaLevel.choices),
        coerce=int,
        required=False,
        empty_value=None,
    )
    field_order = ["code", "name", "level", "latitude", "longitude"]
    seen = None  # a new area: nothing was seen


class MoveAreaForm(forms.Form):
    new_parent = AreaChoiceField(label=_("移到此上级区域之下"), queryset=Area.objects.none())

    def __init__(self, user, area, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            scoped(user, Area).filter(level__lt=area.level).exclude(pk=area.parent_id).order_by("path")
        )
        pickerise(self)


class BoundaryForm(forms.Form):
    file = forms.FileField(
        label=_("边界文件（GeoJSON）"),
        required=False,
        help_text=_("Polygon 或 MultiPolygon（也可是包含它的 Feature），坐标为经度、纬度；最多 2 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    remove = forms.BooleanField(label=_("删除现有边界"), required=False)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    area = AreaChoiceField(label=_("所在区域"), queryset=Area.objects.none())
    domains = forms.ModelMultipleChoiceField(
        label=_("职责领域"),
        queryset=Domain.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("职能部门负责的风险领域：其人员也能看到本区域这些领域的事项（个人信息脱敏）。"),
    )
    seen = seen_field()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).order_by("path")
        self.fields["domains"].queryset = Domain.objects.all()
        pickerise(self, "area")


class UserForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    area = AreaChoiceField(label=_("管辖范围"), queryset=Area.objects.none())
    unit = UnitChoiceField(
        label=_("所属单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("职能部门的账号必填；单位须在管辖范围或其上级区域。"),
    )
    seen = seen_field()

    def __init__(self, user, *args, current_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).order_by("path")
        units = scoped(user, Unit)
        if current_unit is not None:  # an account may keep a unit above the administrator's scope
            units = units | Unit.objects.filter(pk=current_unit.pk)
        self.fields["unit"].queryset = units.select_related("area").order_by("area__path", "name")
        pickerise(self)


class NewUserForm(UserForm):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录用的账号：字母、数字和 @ . + - _。")
    )
    phone = forms.CharField(
        label=_("手机号码"), max_length=20, required=False, help_text=_("可选，加密保存。")
    )
    field_order = ["username", "display_name", "role", "area", "unit", "phone"]
    seen = None


class DomainForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    name_en = forms.CharField(
        label=_("英文名称"), max_length=100, required=False, help_text=_("英文界面显示；留空则显示中文名称。")
    )
    emergency_class = forms.ChoiceField(label=_("突发事件类别"), choices=EmergencyClass.choices)
    keywords = forms.CharField(
        label=_("关键词"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("智能分拣在模型不可用时按这些词建议领域；每行一个，或用顿号、逗号分隔。"),
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, required=False)
    active = forms.BooleanField(
        label=_("启用"),
        required=False,
        initial=True,
        help_text=_("停用后不再用于新登记的事项；已有事项不变。"),
    )
    seen = seen_field()


class NewDomainForm(DomainForm):
    code = forms.SlugField(
        label=_("代码"), max_length=50, help_text=_("英文小写字母、数字和下划线，建立后不能修改。")
    )
    field_order = ["code", "name", "name_en", "emergency_class", "keywords", "sort_order"]
    seen = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["active"]


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("区域和单位文件"),
        help_text=_("Excel（.xlsx）文件，含“区域”表和“单位”表；请先下载模板填写。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
