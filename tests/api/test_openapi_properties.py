"""Property-based tests generated from the OpenAPI document by Schemathesis, through the WSGI app.

Every operation of ``/api/v1`` is called with generated parameters and bodies (valid ones and
not), as a facilitator with a write token and a small caseload; every answer must match the
document (status, content type, headers, schema) and none may be a 5xx. Bounded by
``MAX_EXAMPLES`` per operation so that it stays well under two minutes per backend; the test
prints how many calls it made (``pytest -s``; see README, "API").
"""

from __future__ import annotations

import time

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from matchmaker.clock import today
from matchmaker.extensions import db
from matchmaker.graduation.services import schedule_checkins
from matchmaker.models import GraduationRecord, Match, MatchEvent, MatchStatus
from matchmaker.reference.skills import load_skills
from matchmaker.tasks.services import queue_import
from tests.api.helpers import token_for
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer
from tests.partners.helpers import make_offer as make_own_offer

MAX_EXAMPLES = 25
# Not checked: "schema-valid data is accepted". A schema cannot say what the household form checks
# (a NIK's kecamatan and date digits, a desa inside her area, an opaque cursor), so a schema-valid
# body is often refused with a documented 422 problem, as a facilitator's form would be.


def _run(operation, headers: dict[str, str], calls: dict[str, int]) -> None:
    """Call ``operation`` with up to :data:`MAX_EXAMPLES` generated cases and validate every answer."""

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
        calls[operation.label] = calls.get(operation.label, 0) + 1

    check()


def test_every_answer_matches_the_document(app):
    """A script written from the published document would meet answers the document does not describe, or a 5xx."""
    load_skills(db.session)
    db.session.commit()
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # the run itself must not be throttled
    facilitator = make_user("facilitator")
    households = [make_household(facilitator, **SEWER) for _ in range(2)]
    # An open offer and a proposal, so that the match operations have something to rank, list and step.
    offer = make_offer(make_organization())
    db.session.add(Match(household_id=households[0].id, offer_id=offer.id, status=MatchStatus.PROPOSED,
                         events=[MatchEvent(actor_id=facilitator.id, to_status=MatchStatus.PROPOSED)]))
    # An upload of hers, checked by a (finished) job, so that the imports and jobs operations find something.
    sheet = (b"NIK,Nama Lengkap,Tanggal Lahir,Desa/Kelurahan,Kecamatan\n"
             b"3201164502900201,Nani,05/02/1990,Sukamaju,Cibungbulang\n")
    job = queue_import(facilitator, sheet, "kpm.csv", update_existing=False, request_key="schemathesis")
    assert "values" in job.result, job.result
    # A graduation with its check-ins, so that the graduation lists answer with items to validate.
    graduated = make_household(facilitator, status="graduated", graduation_type="alamiah", graduated_on=today())
    record = GraduationRecord(household_id=graduated.id, graduation_type="alamiah", graduated_on=today(),
                              evidence="Komponen habis.", status="approved")
    db.session.add(record)
    db.session.flush()
    schedule_checkins(record)
    db.session.commit()
    # Through WSGI nothing undoes the response compression a real HTTP client would decode, so the
    # run asks for plain bodies; compression itself is tested in tests/test_static_files.py.
    headers = {"Authorization": f"Bearer {token_for(facilitator)}", "Accept-Encoding": "identity"}
    # Offers are written by partners: their writes run with a business's token, which has an offer.
    business = make_user("business", organization=make_organization())
    make_own_offer(business.organization)
    partner_headers = {**headers, "Authorization": f"Bearer {token_for(business)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    calls: dict[str, int] = {}
    started = time.perf_counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} >= {
        "GET /api/v1/households", "POST /api/v1/households",
        "GET /api/v1/households/{household_id}", "PATCH /api/v1/households/{household_id}",
    }
    for operation in operations:
        partner_write = operation.label.startswith(("POST /api/v1/offers", "PATCH /api/v1/offers"))
        _run(operation, partner_headers if partner_write else headers, calls)
    elapsed = time.perf_counter() - started
    print(f"\nSchemathesis: {sum(calls.values())} calls over {len(calls)} operations in {elapsed:.1f} s: {calls}")
    assert all(count >= 1 for count in calls.values())
