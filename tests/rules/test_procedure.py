"""Rules-of-procedure settings: defaults, validation with every problem, document fields."""

import pytest

from voting.rules import Procedure, ProcedureError


def codes(caught: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in caught.value.problems]


def test_defaults_follow_domain():
    proc = Procedure(parking_policy="exclude_area_only")
    assert proc.to_dict() == {
        "parking_policy": "exclude_area_only",
        "invalid_counts_as_participation": True,
        "ranking_rule": "HEAD_THEN_AREA",
        "tie_resolution": "runoff",
        "notice_rule": "CLEAR_15",
        "duplicate_policy": "first_valid",
        "owner_merge": "exact_owner_set",
        "window_days_min": 5,
        "window_days_max": 60,
        "max_principals_per_agent": None,
        "objection_days": 0,
        "selection_followup": "re-table",
        "publish_unit_areas": False,
        "one_time_code": True,
    }


def test_parking_policy_has_no_default():
    with pytest.raises(TypeError):
        Procedure()  # type: ignore[call-arg]
    with pytest.raises(ProcedureError) as caught:
        Procedure.from_dict({})
    assert codes(caught) == ["PARKING_POLICY_REQUIRED"]
    problem = caught.value.problems[0]
    assert "parking_policy" in problem.en and "车位" in problem.zh


def test_document_dict_has_exactly_the_five_fields():
    proc = Procedure.from_dict({"parking_policy": "include", "ranking_rule": "SUM_OF_RATIOS"})
    assert proc.document_dict() == {
        "parking_policy": "include",
        "invalid_counts_as_participation": True,
        "ranking_rule": "SUM_OF_RATIOS",
        "tie_resolution": "runoff",
        "notice_rule": "CLEAR_15",
    }


def test_round_trip_through_dicts():
    proc = Procedure(
        parking_policy="exclude_entirely",
        invalid_counts_as_participation=False,
        tie_resolution="lot",
        notice_rule="PLAIN_15",
        duplicate_policy="reject_all",
        owner_merge="merge_if_any_common_owner",
        max_principals_per_agent=3,
        objection_days=7,
        selection_followup="runoff_top2",
        publish_unit_areas=True,
        one_time_code=False,
    )
    assert Procedure.from_dict(proc.to_dict()) == proc
    assert Procedure.from_dict(proc.document_dict()).document_dict() == proc.document_dict()


def test_every_problem_is_listed_at_once():
    with pytest.raises(ProcedureError) as caught:
        Procedure.from_dict(
            {
                "parking_policy": "sometimes",
                "ranking_rule": "head_then_area",
                "invalid_counts_as_participation": "yes",
                "window_days_min": 10,
                "window_days_max": 5,
                "max_principals_per_agent": 0,
                "objection_days": -1,
                "colour": "red",
            }
        )
    assert sorted(codes(caught)) == sorted(
        [
            "UNKNOWN_SETTING",
            "INVALID_SETTING_VALUE",
            "INVALID_SETTING_VALUE",
            "INVALID_SETTING_VALUE",
            "INVALID_WINDOW",
            "INVALID_PROXY_CAP",
            "INVALID_OBJECTION_DAYS",
        ]
    )
    assert all(p.zh and p.en for p in caught.value.problems)
    assert "colour" in str(caught.value)


@pytest.mark.parametrize(
    "settings",
    [
        {"tie_resolution": "coin"},
        {"notice_rule": "CLEAR_16"},
        {"owner_merge": "any"},
        {"duplicate_policy": "last"},
        {"selection_followup": "retable"},
        {"publish_unit_areas": 1},
        {"one_time_code": "yes"},
        {"window_days_min": True},
        {"max_principals_per_agent": "2"},
    ],
)
def test_direct_construction_is_checked_too(settings):
    with pytest.raises(ProcedureError):
        Procedure(parking_policy="include", **settings)


def test_settings_must_be_a_mapping():
    with pytest.raises(ProcedureError) as caught:
        Procedure.from_dict(["parking_policy"])  # type: ignore[arg-type]
    assert codes(caught) == ["NOT_A_MAPPING"]
