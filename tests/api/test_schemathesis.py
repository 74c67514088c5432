"""Property-based tests of the API against its own OpenAPI schema (schemathesis), as two real users.

Schemathesis reads ``/api/openapi.json`` from the Django app (WSGI, the test database) and generates requests
for every operation, valid ones and invalid ones, each sent with a real bearer token. Every answer must be
no server error (5xx) and must match the schema: a documented status code, the documented content type and
a body that validates against that status's schema. An API that accepts what its schema forbids, or refuses
what it allows, fails too (``negative_data_rejection``, ``positive_data_acceptance``).

Bounded: a fixed seed (hypothesis' ``derandomize``) and ``EXAMPLES`` cases per operation and generation mode,
so the run is the same every time and takes about a minute or two per user on one core.
"""

from __future__ import annotations

import collections

import pytest

EXAMPLES = 12  # per operation and mode: with ~34 operations, two modes and two users well over 1,000 cases
MIN_CASES = 500  # per user

# What counts as what in the report: a 5xx, or a contract violation (the answer does not match the schema).
SERVER_ERROR_CHECKS = ("not_a_server_error",)
CONTRACT_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
)
# Generated ids would sooner or later name the run's own token and revoke it: this one runs on a spare token.
ONLY_KNOWN_IDS = {"POST /api/tokens/{token_id}/revoke"}
# Not checked: positive_data_acceptance. A schema-valid area or domain code that names nothing (or nothing in
# the user's scope) is refused with 422 and a message on that field, by design.


def _fuzz(token: str, known_ids: dict) -> tuple[collections.Counter, dict[str, str]]:
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import checks as st_checks
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.generation import GenerationMode

    django_app = get_wsgi_application()

    def app(environ, start_response):
        # Django closes the database connection at the end of each request; the test's connection holds the
        # test transaction, so keep it open (as django.test.Client does).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return django_app(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    checks = [getattr(st_checks, name) for name in SERVER_ERROR_CHECKS + CONTRACT_CHECKS]
    stats: collections.Counter = collections.Counter()
    failures: dict[str, str] = {}  # the first example of each kind of failure

    def record(case, response, label: str) -> None:
        stats["cases"] += 1
        stats[f"status {response.status_code // 100}xx"] += 1
        for check in checks:
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except (Failure, FailureGroup, AssertionError):
                name = check.__name__
                stats["5xx" if name in SERVER_ERROR_CHECKS else "contract"] += 1
                key = f"{label} {name}: {response.status_code}"
                if key not in failures:
                    body = response.text[:300] if hasattr(response, "text") else ""
                    failures[key] = f"{case.as_curl_command(headers=headers)}\n  {body}"

    def generated(strategy, label: str):
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,  # the fixed seed: the same cases every run
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is counted, not minimised
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def exercise(case):
            record(case, case.call(headers=headers), label)

        return exercise

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label not in ONLY_KNOWN_IDS:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                generated(operation.as_strategy(generation_mode=mode), f"{operation.label} [{mode.value}]")()
        # Random ids mostly name nothing (404); the same operation on real objects runs the actions.
        names = {parameter.name for parameter in operation.path_parameters}
        if names and names <= set(known_ids):
            fixed = {name: known_ids[name] for name in names}
            strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed)
            generated(strategy, f"{operation.label} [real ids]")()
    return stats, failures


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("who", ["centre_staff", "cadre"])
def test_generated_requests_get_no_server_error_and_match_the_schema(who, matters, capsys):
    from anju.core import actions
    from anju.core.models import ApiToken
    from anju.intake import actions as intake_actions

    user = getattr(matters, who)
    token = actions.issue_api_token(user, "schemathesis")
    report = intake_actions.submit_report(
        matters.grid_worker,
        channel="grid",
        area=matters.grid_a1,
        text="东一村工地欠薪，工人聚集",
        reporter_name="赵六",
    )
    known_ids = {
        "matter_id": matters.matter_a.pk,
        "party_id": matters.matter_a.parties.get().pk,
        "report_id": report.pk,
        "unit_id": matters.committee_a1.pk,
        "code": matters.village_a1.code,
        "token_id": ApiToken.objects.get(digest=ApiToken.hash(actions.issue_api_token(user, "spare"))).pk,
    }
    stats, failures = _fuzz(token, known_ids)
    with capsys.disabled():
        print(
            f"\nschemathesis as {user.username} ({user.role}): {stats['cases']} cases, "
            f"{stats['5xx']} server errors, {stats['contract']} contract failures; answers: "
            + ", ".join(f"{key[7:]} {n}" for key, n in sorted(stats.items()) if key.startswith("status "))
        )
    assert stats["cases"] >= MIN_CASES
    # positive control: the run got past authentication and validation into the actions, many times
    assert stats["status 2xx"] >= 100
    assert not failures, "\n".join(f"{key}\n  {example}" for key, example in failures.items())
