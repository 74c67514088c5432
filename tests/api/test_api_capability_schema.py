"""The OpenAPI schema of the screening, 稳评, warning and monthly-report routes: every operation documents the
same error answers as the matters API, in the one error shape."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PREFIXES = ("/api/screening/", "/api/assessment/", "/api/warning/", "/api/monthly-reports")
EXPECTED = {
    ("get", "/api/screening/rounds"),
    ("get", "/api/screening/rounds/{round_id}"),
    ("get", "/api/screening/returns"),
    ("get", "/api/screening/returns/{return_id}"),
    ("post", "/api/screening/returns/{return_id}/file"),
    ("get", "/api/assessment/items"),
    ("post", "/api/assessment/items"),
    ("get", "/api/assessment/items/{item_id}"),
    ("post", "/api/assessment/items/{item_id}/decided"),
    ("post", "/api/assessment/items/{item_id}/assessments"),
    ("get", "/api/assessment/assessments"),
    ("get", "/api/assessment/assessments/{assessment_id}"),
    ("post", "/api/assessment/assessments/{assessment_id}/consultation"),
    ("post", "/api/assessment/assessments/{assessment_id}/analysis"),
    ("post", "/api/assessment/assessments/{assessment_id}/level"),
    ("post", "/api/assessment/assessments/{assessment_id}/review"),
    ("post", "/api/assessment/assessments/{assessment_id}/decision"),
    ("get", "/api/warning/alerts"),
    ("get", "/api/warning/alerts/{alert_id}"),
    ("post", "/api/warning/alerts/{alert_id}/acknowledge"),
    ("get", "/api/warning/signals"),
    ("get", "/api/warning/meetings"),
    ("post", "/api/warning/meetings"),
    ("get", "/api/warning/meetings/{meeting_id}"),
    ("post", "/api/warning/meetings/{meeting_id}/minutes"),
    ("post", "/api/warning/meetings/{meeting_id}/decisions"),
    ("get", "/api/monthly-reports"),
    ("post", "/api/monthly-reports"),
    ("get", "/api/monthly-reports/{report_id}"),
    ("get", "/api/monthly-reports/{report_id}/download/{fmt}"),
    ("post", "/api/monthly-reports/{report_id}/submit"),
}


def test_every_operation_documents_its_errors():
    schema = json.loads(Client().get("/api/openapi.json").content)
    operations = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        if path.startswith(PREFIXES)
        for method, op in methods.items()
    ]
    assert {(method, path) for path, method, _op in operations} == EXPECTED
    for path, method, op in operations:
        responses = op["responses"]
        for status in ("400", "401", "403", "404", "409", "422"):
            ref = json.dumps(responses.get(status, {}))
            assert "ErrorOut" in ref, f"{method.upper()} {path} lacks {status}"
    posts = [op for _path, method, op in operations if method == "post"]
    for op in posts:  # request bodies refuse unknown fields
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert schema["components"]["schemas"][ref]["additionalProperties"] is False, ref
