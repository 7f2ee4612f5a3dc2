"""Supervision: the office dashboard, anomalies, timelines and committee mandates."""

from voting.api.schemas.common import (
    AREA_LINE,
    BEARER,
    COMMITTEE_KINDS,
    ERROR,
    ID,
    ID_IN,
    ID_OR_NULL,
    MEETING_STATES,
    MEETING_SUMMARY,
    OWNERS_LINE,
    REASON,
    TIME,
    community_list,
    id_param,
    json_body,
    ok,
    record,
)
from voting.api.schemas.meetings import meeting_report

BY_STATE = {
    "type": "object",
    "description": "meetings counted by state",
    "propertyNames": {"enum": MEETING_STATES},
    "additionalProperties": {"type": "integer"},
}

WATCHED = record(
    ["id", "community_id", "community", "title", "state", "opens_at", "closes_at"],
    {
        **MEETING_SUMMARY,
        "state": {"enum": ["submitted", "open", "published"]},
        "community": {"type": "string"},
        "turnout": {
            "type": "object",
            "description": "open meetings: ballots so far",
            "required": ["owners", "area", "seconds_left"],
            "properties": {
                "owners": OWNERS_LINE,
                "area": AREA_LINE,
                "seconds_left": {"type": "integer"},
            },
        },
        "result": {
            "type": ["object", "null"],
            "description": "published meetings",
            "properties": {
                "version": {"type": "integer"},
                "status": {"enum": ["preliminary", "published"]},
                "published_at": TIME,
                "objections_close_at": {"type": ["string", "null"]},
            },
        },
    },
)
MANDATE = record(
    ["id", "community_id", "kind", "members", "owner_reps", "started_at", "current"],
    {
        "id": ID,
        "community_id": ID,
        "kind": {"enum": COMMITTEE_KINDS},
        "members": {"type": "array", "items": ID, "description": "user ids"},
        "owner_reps": {"type": "array", "items": ID},
        "meeting_id": ID_OR_NULL,
        "started_at": TIME,
        "term_ends_on": {"type": ["string", "null"], "format": "date"},
        "appointed_by": {"type": "string"},
        "current": {"type": "boolean"},
        "seats": {
            "type": ["integer", "null"],
            "description": "for a committee from an election: the seats to fill",
        },
        "vacant": {"type": "integer", "description": "seats the election left unfilled"},
        "elected": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {
                    "option_id": {"type": "string"},
                    "label": {"type": "string"},
                    "user_id": ID,
                },
            },
        },
        "ended_at": {"type": ["string", "null"]},
        "end_reason": {"type": ["string", "null"]},
    },
)
EVIDENCE = {
    "type": "object",
    "required": ["at", "voter"],
    "description": "when, whom (units and masked name), and details such as "
    "credential_id, source (8 characters of a keyed address hash), "
    "channel, entered_by, reason, seq and type",
    "properties": {"at": {"type": ["string", "null"]}, "voter": {"type": ["string", "null"]}},
}
ANOMALY_CODES = [
    "reissues_voter",
    "reissues_meeting",
    "failed_checks_link",
    "failed_checks_address",
    "ballot_burst",
    "assisted_ballots",
    "proxy_holder",
    "ballot_conflicts",
    "ballots_outside_window",
    "logged_after_close",
    "ballots_changed",
]
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
COMMUNITY_ROW = record(
    ["id", "name", "committee_kind", "meetings_by_state"],
    {
        "id": ID,
        "name": {"type": "string"},
        "committee_kind": {"enum": COMMITTEE_KINDS},
        "term_started_at": {"type": ["string", "null"]},
        "term_ends_on": {"type": ["string", "null"]},
        "meetings_by_state": BY_STATE,
    },
)
DASHBOARD = record(
    [
        "office",
        "generated_at",
        "meetings_by_state",
        "communities",
        "plans_awaiting_approval",
        "open_meetings",
        "results_awaiting_countersignature",
    ],
    {
        "office": record(["id", "name"], {"id": ID, "name": {"type": "string"}}),
        "generated_at": TIME,
        "meetings_by_state": BY_STATE,
        "communities": {"type": "array", "items": COMMUNITY_ROW},
        "plans_awaiting_approval": {"type": "array", "items": WATCHED},
        "open_meetings": {"type": "array", "items": WATCHED},
        "results_awaiting_countersignature": {"type": "array", "items": WATCHED},
    },
)
ANOMALY = record(
    ["code", "subject", "message", "counts", "evidence"],
    {
        "code": {"enum": ANOMALY_CODES},
        "subject": {"type": "string"},
        "message": {"type": "string"},
        "counts": COUNTS,
        "first_at": {"type": ["string", "null"]},
        "last_at": {"type": ["string", "null"]},
        "evidence": {"type": "array", "items": EVIDENCE},
    },
)
USER_IDS = {"type": "array", "uniqueItems": True, "items": ID_IN}

PATHS = {
    "/offices/{office_id}/dashboard": {
        "get": {
            "summary": "The office dashboard (office staff of the office, admin)",
            "description": (
                "Every community of the office with its committee kind and term, "
                "meetings by state, plans awaiting approval, open meetings with "
                "turnout against the 2/3 quorum lines (ballots returned, by owners "
                "and area), and published results awaiting countersignature."
            ),
            "security": BEARER,
            "parameters": [id_param("office_id")],
            "responses": ok("the dashboard", DASHBOARD),
        }
    },
    "/meetings/{meeting_id}/anomalies": {
        "get": meeting_report(
            "A meeting's anomalies with their evidence (staff in scope)",
            "anomalies",
            ["thresholds", "anomalies"],
            {"thresholds": COUNTS, "anomalies": {"type": "array", "items": ANOMALY}},
            description=(
                "Thresholds are the VOTING_ANOMALY_* settings. Evidence never "
                "shows how anyone voted."
            ),
        )
    },
    "/meetings/{meeting_id}/timeline": {
        "get": meeting_report(
            "A meeting's events from the audit log (staff in scope)",
            "the timeline",
            ["events", "counts"],
            {
                "events": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["seq", "at", "type", "actor", "data"],
                    },
                },
                "counts": COUNTS,
            },
            description="Per-ballot events (ballots, entries, reissues) are counted only.",
        )
    },
    "/communities/{community_id}/mandates": {
        "get": community_list(
            "The community's committee mandates, newest first (staff in scope)",
            "mandates",
            MANDATE,
        ),
        "post": {
            "summary": "Appoint a preparatory group or a 物管会, or record the elected committee "
            "(office staff of the community's office)",
            "description": (
                "members are committee accounts of the community. preparatory_group: odd, "
                "owner_reps at least half; management_committee: 7 or more, odd, owner_reps "
                "at least half; owners_committee: odd, at least 5 (3 at 100 households or "
                "fewer), term_ends_on required (within five years), owner_reps ignored, "
                "meeting_id optionally names the meeting whose final published result "
                "elected it: then the members are exactly its winners (vacant seats allowed "
                "down to the legal minimum), each linked to its candidate by candidates "
                "({option id: user id}) or by an account's name equal to the candidate's "
                "label; 422 NOT_ELECTED for anyone else. Recording a committee ends the "
                "current group or 物管会: its "
                "members who are not in the committee lose their committee powers. 409 when "
                "a group or 物管会 would replace a recorded committee."
            ),
            "security": BEARER,
            "parameters": [id_param("community_id")],
            "requestBody": json_body(
                record(
                    ["kind", "members"],
                    {
                        "kind": {"enum": COMMITTEE_KINDS},
                        "members": {**USER_IDS, "minItems": 1, "maxItems": 99},
                        "owner_reps": USER_IDS,
                        "term_ends_on": {"type": "string", "format": "date"},
                        "meeting_id": {"anyOf": [ID_IN, {"type": "null"}]},
                        "candidates": {
                            "type": "object",
                            "maxProperties": 99,
                            "additionalProperties": ID_IN,
                        },
                    },
                )
            ),
            "responses": {**ok("the new mandate", MANDATE, "201"), "409": ERROR},
        },
    },
    "/mandates/{mandate_id}/end": {
        "post": {
            "summary": "End a mandate with a reason (office); its members lose their powers",
            "security": BEARER,
            "parameters": [id_param("mandate_id")],
            "requestBody": json_body(record(["reason"], {"reason": REASON})),
            "responses": {**ok("the ended mandate", MANDATE), "409": ERROR},
        }
    },
}
