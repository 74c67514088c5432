"""Error responses of the API, all in one shape: ``{"detail": "...", "errors": {"field": ["消息"]}}``.

Django ``ValidationError`` (what the actions raise) and ninja's own schema validation both become 422 with
field-level Chinese messages; ``WorkflowError`` (an illegal transition) and ``Conflict`` (a stale version)
are 409 and ``NotAllowed`` 403, as ``core.errors.http_status`` maps them; ``PermissionDenied`` 403;
an unknown or out-of-scope object 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from anju.core.errors import WorkflowError, http_status

NON_FIELD = "__all__"
# The first item of a ninja error location says where the value came from; the second, for a body, is the
# name of the schema parameter, which clients never see.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class ErrorOut(Schema):
    """Every error answer of the API: a sentence for people and the messages per field."""

    detail: str = Field(description="what went wrong, in Chinese")
    errors: dict[str, list[str]] = Field(
        {}, description='messages per field ("__all__": not tied to one field); empty unless 422 or 409'
    )


# What each kind of operation can answer besides success: reads never parse a body (400) nor change state
# (409); writes can answer everything. ``document_errors`` adds the missing ones to every operation.
READ_ERRORS = (401, 403, 404, 422)
WRITE_ERRORS = (400, 401, 403, 404, 409, 422)


def _pydantic_message(error: dict) -> str:
    """A Chinese message for one pydantic error; pydantic's own messages are English only."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("此项为必填项。")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("请输入整数。")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"}:
        return _("请输入数字。")
    if kind in {"decimal_max_digits", "decimal_max_places", "decimal_whole_digits"}:
        return _("最多 %(digits)s 位数字，其中小数最多 %(places)s 位。") % {
            "digits": ctx.get("max_digits", 14),
            "places": ctx.get("decimal_places", 2),
        }
    if kind in {"bool_parsing", "bool_type"}:
        return _("请输入 true 或 false。")
    if kind == "month_type":
        return _("请输入有效的月份（YYYY-MM）。")
    if kind == "extra_forbidden":
        return _("不接受此字段。")
    if kind.startswith("date_") and not kind.startswith("datetime"):
        return _("请输入有效的日期（YYYY-MM-DD）。")
    if kind.startswith("datetime"):
        return _("请输入有效的时间（ISO 8601，如 2025-01-31T09:30:00+08:00）。")
    if kind == "enum" or kind == "literal_error":
        return _("请选择有效的选项：%(options)s。") % {"options": ctx.get("expected", "")}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("不能小于 %(limit)s。") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in {"less_than_equal", "less_than"}:
        return _("不能大于 %(limit)s。") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("最多 %(n)s 个字符。") % {"n": ctx.get("max_length", "")}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("此项不能为空。")
        return _("至少 %(n)s 个字符。") % {"n": ctx.get("min_length", "")}
    if kind in {"string_type", "str_type"}:
        return _("请输入文本。")
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return _("数据结构不正确。")
    if kind == "json_invalid":
        return _("请求内容不是有效的 JSON。")
    return _("该项的值无效。")


def _field_name(loc) -> str:
    parts = list(loc or ())
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)  # the schema parameter's own name
    return ".".join(str(p) for p in parts) or NON_FIELD


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(_field_name(error.get("loc")), []).append(_pydantic_message(error))
    return out


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def _first_message(errors: dict[str, list[str]]) -> str:
    for messages in errors.values():
        if messages:
            return messages[0]
    return _("提交的数据有误。")


def install(api) -> None:
    """Register the handlers on ``api``."""

    def respond(request, status: int, detail: str, errors: dict | None = None):
        return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc):
        errors = schema_errors(exc.errors)
        return respond(request, 422, _("提交的数据有误，请检查标出的字段。"), errors)

    @api.exception_handler(WorkflowError)
    def on_workflow_error(request, exc):
        # Conflict (a stale version) and a refused transition: 409; NotAllowed: 403 — one mapping in core
        errors = django_errors(exc)
        return respond(request, http_status(exc), _first_message(errors), errors)  # NotAllowed: 403

    @api.exception_handler(DjangoValidationError)
    def on_validation_error(request, exc):
        errors = django_errors(exc)
        return respond(request, 422, _first_message(errors), errors)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        return respond(request, 403, str(exc) or _("您的角色无权执行此操作。"))

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, _("未找到该对象，或它不在您的管辖范围内。"))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        if getattr(request, "anju_token_expired", False):
            detail = _("API 令牌已过期，请在“账户安全 → API 令牌”签发新令牌。")
        else:
            detail = _("请提供有效的 API 令牌（Authorization: Bearer …）或先登录。")
        response = respond(request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="anju"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        if exc.status_code == 403 and "CSRF" in str(exc.message):
            # ninja's session check; the browser's page is stale or the header is missing
            return respond(request, 403, _("CSRF 校验失败：请刷新页面后重试，或改用 API 令牌。"))
        if exc.status_code == 400:
            return respond(request, 400, _("请求内容无法解析，请发送有效的 JSON。"))
        return respond(request, exc.status_code, str(exc.message))


def document_errors(api) -> None:
    """Give every operation of ``api`` the error answers it can give, all as ``ErrorOut``, in the OpenAPI.

    Run after every router is added: a new router's operations are covered without listing codes there."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                writes = any(method != "GET" for method in operation.methods)
                for status in WRITE_ERRORS if writes else READ_ERRORS:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(ErrorOut)
