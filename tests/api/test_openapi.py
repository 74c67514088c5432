"""The OpenAPI schema and the offline documentation page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from anju.matters.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db


def test_openapi_json_is_valid_and_lists_every_route():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "anju API"
    paths = schema["paths"]
    for path in (
        "/api/areas",
        "/api/areas/{code}",
        "/api/domains",
        "/api/reports",
        "/api/reports/{report_id}",
        "/api/reports/{report_id}/register",
        "/api/matters",
        "/api/matters/{matter_id}",
        "/api/matters/{matter_id}/parties/{party_id}/reveal",
    ):
        assert path in paths, path
    for action in [*TRANSITIONS, "mediation", "supervise", "note"]:
        assert f"/api/matters/{{matter_id}}/{action}" in paths, action
    assert "post" in paths["/api/matters"] and "get" in paths["/api/matters"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assign = paths["/api/matters/{matter_id}/assign"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(assign["responses"])
    assert "AssignIn" in json.dumps(assign["requestBody"])


def test_every_operation_documents_its_errors_with_one_error_schema():
    schema = json.loads(Client().get("/api/openapi.json").content)
    error_refs = set()
    operations = 0
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations += 1
            expected = (
                {"400", "401", "403", "404", "409", "422"}
                if method != "get"
                else {"401", "403", "404", "422"}
            )
            assert expected <= set(operation["responses"]), f"{method.upper()} {path}"
            for status in expected:
                content = operation["responses"][status]["content"]["application/json"]
                error_refs.add(content["schema"]["$ref"])
    assert operations > 30  # positive control: the walk saw the routes
    assert error_refs == {"#/components/schemas/ErrorOut"}
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"} and error["required"] == ["detail"]


def test_strict_inputs_are_visible_in_the_schema():
    schemas = json.loads(Client().get("/api/openapi.json").content)["components"]["schemas"]
    assert schemas["BlackSwanIn"]["additionalProperties"] is False
    assert schemas["PartyAddIn"]["properties"]["name"]["minLength"] == 1
    assert "name" in schemas["PartyAddIn"]["required"]
    assert schemas["MatterIn"]["properties"]["title"]["minLength"] == 1
    # optional since the level rules give a default: a date or null
    deadline = schemas["AssignIn"]["properties"]["deadline"]
    assert {"format": "date", "type": "string"} in [
        {k: v for k, v in alt.items() if k in ("format", "type")} for alt in deadline["anyOf"]
    ]


def test_docs_page_uses_bundled_assets_only(world):
    browser = Client()
    assert browser.get("/api/docs").status_code == 302  # login first
    browser.force_login(world.cadre)
    page = browser.get("/api/docs").content.decode()
    assert "cdn" not in page.lower() and "http://" not in page and "https://" not in page
    assert "/api/docs/assets/swagger-ui-bundle.js" in page
    asset = browser.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset["Content-Type"].startswith(
        ("text/javascript", "application/javascript")
    )
    assert browser.get("/api/docs/assets/..%2Fsettings.py").status_code == 404


def test_token_subcommand_is_registered():
    import argparse

    from anju.api.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["token", "create", "cun", "--name", "etl"])
    assert (args.username, args.name) == ("cun", "etl") and callable(args.func)
