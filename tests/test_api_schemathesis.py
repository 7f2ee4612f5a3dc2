"""Schemathesis against the OpenAPI document: for every operation, as a committee member and as
an administrator, generated requests (valid and invalid) get no server error, only documented
statuses and content types, and bodies that fit the documented response schemas.

Ids in generated paths are mostly replaced by ids of real rows (a community with an open and a
draft meeting, its office, a consultation, residents' links and owner keys), so that requests reach
the services and not only the 404 of an unknown id. The example count is bounded so that both
runs together take about a minute.
"""

import os
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.ballots.support import MeetingKit, motion, selection, six_owners
from voting.db import db, utcnow

#: Examples per operation and role (VOTING_SCHEMATHESIS_EXAMPLES raises it for a deeper run).
EXAMPLES = int(os.environ.get("VOTING_SCHEMATHESIS_EXAMPLES", "12"))


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


class World:
    """The rows the generated requests are pointed at."""

    def __init__(self, app, make):
        kit = MeetingKit(app)
        community_id = kit.community(six_owners())
        opened = kit.open(community_id, [motion("议事规则"), selection("选聘", ["甲", "乙"])])
        with app.app_context():
            from voting.consultations import services as consultations
            from voting.meetings import services as meetings
            from voting.rosters.models import Community

            community = db.session.get(Community, community_id)
            now = utcnow()
            draft = meetings.create_meeting(
                community, "第二次会议", now + timedelta(days=20), now + timedelta(days=27),
                [motion("管理规约")],
            )  # fmt: skip
            consultation = consultations.create_consultation(
                community, "停车位意见", now + timedelta(days=7), "说明"
            )
            db.session.commit()
            self.ids = {
                "community_id": [community_id],
                "office_id": [community.office_id],
                "meeting_id": [opened.meeting_id, draft.id],
                "consultation_id": [consultation.id],
            }
        self.tokens = {
            "committee": make.token(kit.committee(make, community_id, "wang")),
            "admin": make.token(make.user("admin", "root")),
        }
        self.ids["token"] = list(opened.tokens.values())[:2]

    def aimed(self, case, pick: int):
        """The case with its path ids, and the body's token or owner key, replaced by real ones
        three times in four (pick chooses which)."""
        if pick % 4 == 0:
            return case
        for name in list(case.path_parameters or {}):
            choices = self.ids.get(name)
            if choices:
                case.path_parameters[name] = choices[pick % len(choices)]
        if isinstance(case.body, dict):
            for name, choices in (("token", self.ids["token"]), ("owner_key", ["o1", "o2"])):
                if name in case.body:
                    case.body[name] = choices[pick % len(choices)]
        return case


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _run(operation, world, headers, failures, sent):
    """Generated requests of one operation, valid ones and ones the document says are not;
    every kind of failure is kept (the first example of it), not only the first."""
    checks = _checks()
    generated = st.one_of(
        operation.as_strategy(),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=generated, pick=st.integers(min_value=0, max_value=11))
    def check(case, pick):
        case = world.aimed(case, pick)
        sent.append(operation.label)
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except (Exception, BaseExceptionGroup) as error:
            for problem in getattr(error, "exceptions", None) or [error]:
                key = f"{operation.label}: {type(problem).__name__}"
                failures.setdefault(key, f"{problem}"[:1500])

    check()


@pytest.mark.parametrize("role", ["committee", "admin"])
def test_the_api_keeps_its_openapi_document(app, make, api_schema, role):
    world = World(app, make)
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    failures: dict[str, str] = {}
    sent: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        _run(operation, world, headers, failures, sent)
    # Every operation was exercised with several requests (the run cannot pass vacuously).
    assert {op.label for op in operations} == set(sent) and len(sent) >= 3 * len(operations)
    report = "\n\n".join(f"{key}\n{text}" for key, text in failures.items())
    assert not failures, f"{len(failures)} kinds of failure:\n{sorted(failures)}\n\n{report}"
