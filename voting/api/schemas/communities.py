"""Offices, communities, rosters, rules of procedure and the audit chain."""

from voting.api.schemas.common import (
    ANYONE_OR_BEARER,
    AREA,
    BEARER,
    COMMITTEE_KINDS,
    ERROR,
    ID,
    ID_IN,
    OBJECT,
    id_param,
    json_body,
    ok,
    record,
)

NAME = {"type": "string", "minLength": 1, "maxLength": 200}
PROCEDURE = record(
    ["parking_policy"],
    {
        "parking_policy": {"enum": ["include", "exclude_area_only", "exclude_entirely"]},
        "invalid_counts_as_participation": {"type": "boolean"},
        "ranking_rule": {"enum": ["HEAD_THEN_AREA", "AREA_THEN_HEAD", "SUM_OF_RATIOS"]},
        "tie_resolution": {"enum": ["runoff", "lot"]},
        "notice_rule": {"enum": ["CLEAR_15", "PLAIN_15"]},
        "duplicate_policy": {"enum": ["first_valid", "reject_all"]},
        "window_days_min": {"type": "integer", "minimum": 1},
        "window_days_max": {"type": "integer", "minimum": 1},
        "max_principals_per_agent": {"type": ["integer", "null"], "minimum": 1},
        "objection_days": {"type": "integer", "minimum": 0},
        "publish_unit_areas": {"type": "boolean"},
        "one_time_code": {"type": "boolean"},
    },
)

OFFICE = record(["id", "name"], {"id": ID, "name": {"type": "string"}})
COMMUNITY = record(
    ["id", "name", "office", "committee_kind", "procedure", "roster"],
    {
        "id": ID,
        "name": {"type": "string"},
        "office": OFFICE,
        "committee_kind": {"enum": COMMITTEE_KINDS},
        "procedure": OBJECT,
        "roster": record(
            ["units", "owners", "area"],
            {
                "units": {"type": "integer", "minimum": 0},
                "owners": {"type": "integer", "minimum": 0},
                "area": AREA,
            },
        ),
    },
)
AREA_OR_NULL = {**AREA, "type": ["string", "null"]}
UNIT = record(
    ["id", "building", "number", "area", "owners"],
    {
        "id": ID,
        "building": {"type": "string"},
        "number": {"type": "string"},
        "registered_area": AREA_OR_NULL,
        "surveyed_area": AREA_OR_NULL,
        "contract_area": AREA_OR_NULL,
        "area": AREA_OR_NULL,
        "is_developer_held": {"type": "boolean"},
        "owners": {"type": "array", "items": OBJECT},
    },
)
ROSTER_PAGE = record(
    ["community_id", "page", "pages", "total", "units"],
    {
        "community_id": ID,
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "total": {"type": "integer"},
        "units": {"type": "array", "items": UNIT},
    },
)

PATHS = {
    "/offices": {
        "post": {
            "summary": "Register a street office (admin)",
            "security": BEARER,
            "requestBody": json_body(record(["name"], {"name": NAME})),
            "responses": ok("the office", OFFICE, "201"),
        }
    },
    "/communities": {
        "post": {
            "summary": "Register a community (admin, office)",
            "security": BEARER,
            "requestBody": json_body(
                record(
                    ["name", "office_id"],
                    {
                        "name": NAME,
                        "office_id": ID_IN,
                        "committee_kind": {
                            "enum": [
                                "owners_committee",
                                "management_committee",
                                "preparatory_group",
                            ]  # fmt: skip
                        },
                    },
                )
            ),
            "responses": ok("the community", COMMUNITY, "201"),
        }
    },
    "/communities/{community_id}": {
        "get": {
            "summary": "A community with roster totals",
            "security": BEARER,
            "parameters": [id_param("community_id")],
            "responses": ok("community", COMMUNITY),
        }
    },
    "/communities/{community_id}/roster": {
        "get": {
            "summary": "Units and owners, identity data masked",
            "security": BEARER,
            "parameters": [
                id_param("community_id"),
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer"}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": ok("roster page", ROSTER_PAGE),
        },
        "put": {
            "summary": "Replace the roster with a CSV/XLSX file (all or nothing)",
            "security": BEARER,
            "parameters": [id_param("community_id")],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": record(["file"], {"file": {"type": "string", "format": "binary"}})
                    }
                },
            },
            "responses": {
                **ok("import report", OBJECT),
                "409": ERROR,  # roster_frozen: a meeting is between its notice and its close
                "413": ERROR,
            },
        },
    },
    "/communities/{community_id}/procedure": {
        "put": {
            "summary": "Rules-of-procedure settings",
            "security": BEARER,
            "parameters": [id_param("community_id")],
            "requestBody": json_body(PROCEDURE),
            "responses": ok("settings", OBJECT),
        }
    },
    "/communities/{community_id}/audit": {
        "get": {
            "summary": "The audit chain (gongyi-audit/1): whole for staff in scope; for anyone "
            "else, once a result is published, the events up to the last one a result names",
            "security": ANYONE_OR_BEARER,
            "parameters": [id_param("community_id")],
            "responses": ok("events", OBJECT),
        }
    },
}
