"""Consultations (协商议事 / 征求意见): staff drafts and results; owners take part by token."""

from voting.api.schemas.common import (
    AREA,
    BEARER,
    ERROR,
    ID,
    ID_IN,
    ID_OR_NULL,
    RATIO,
    TEXT,
    TIME_OR_NULL,
    TOKEN_PARAM,
    VERIFY,
    community_list,
    id_param,
    json_body,
    ok,
    record,
)

QUESTION_IN = record(
    ["title", "kind"],
    {
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "kind": {"enum": ["single", "multiple", "scale"]},
        "options": {
            "type": "array",
            "maxItems": 30,
            "items": {"type": "string", "minLength": 1, "maxLength": 200},
        },
        "max_choices": {"type": ["integer", "null"], "minimum": 1},
    },
)
SUMMARY = record(
    [
        "id",
        "community_id",
        "title",
        "kind",
        "state",
        "deadline",
        "opened_at",
        "closed_at",
    ],
    {
        "id": ID,
        "community_id": ID,
        "title": TEXT,
        "kind": {"enum": ["general", "satisfaction"]},
        "survey_year": {"type": ["integer", "null"]},
        "state": {"enum": ["draft", "open", "closed"]},
        "deadline": TIME_OR_NULL,
        "opened_at": TIME_OR_NULL,
        "closed_at": TIME_OR_NULL,
    },
)
CONSULTATION = {
    **SUMMARY,
    "required": [*SUMMARY["required"], "body", "documents", "questions"],
    "properties": {
        **SUMMARY["properties"],
        "body": TEXT,
        "documents": {"type": "array", "items": {"type": "object"}},
        "questions": {
            "type": "array",
            "items": {"type": "object", "required": ["code", "title", "kind", "options"]},
        },
    },
}
SHARE = record(
    ["heads", "area", "heads_ratio", "area_ratio", "heads_percent", "area_percent"],
    {
        "heads": {"type": "integer"},
        "area": AREA,
        "heads_ratio": RATIO,
        "area_ratio": RATIO,
        "heads_percent": TEXT,
        "area_percent": TEXT,
    },
)
RESULTS = record(
    ["roster", "can_take_part", "answered", "comments", "questions"],
    {
        "roster": {"type": "object", "required": ["heads", "area"]},
        "can_take_part": SHARE,
        "answered": SHARE,
        "comments": {"type": "object", "required": ["total", "hidden", "commenters"]},
        "questions": {
            "type": "array",
            "items": record(
                ["code", "title", "kind", "respondents", "options"],
                {
                    "respondents": SHARE,
                    "options": {"type": "array", "items": SHARE},
                },
            ),
        },
    },
)
COMMENT = record(
    ["id", "parent_id", "depth", "author", "created_at", "hidden", "body"],
    {
        "id": ID,
        "parent_id": ID_OR_NULL,
        "depth": {"type": "integer", "minimum": 0},
        "author": {"enum": ["owner", "staff"]},
        "hidden": {"type": "boolean"},
        "body": {"type": ["string", "null"]},
    },
)

PATHS = {
    "/communities/{community_id}/consultations": {
        "get": community_list("The community's consultations", "consultations", SUMMARY),
        "post": {
            "summary": "Draft a consultation with opinion questions (committee, office)",
            "security": BEARER,
            "parameters": [id_param("community_id")],
            "requestBody": json_body(
                record(
                    ["title", "deadline"],
                    {
                        "title": {"type": "string", "minLength": 1, "maxLength": 200},
                        "body": {"type": "string", "maxLength": 20000},
                        "deadline": {"type": "string", "format": "date-time"},
                        "questions": {"type": "array", "maxItems": 50, "items": QUESTION_IN},
                    },
                )
            ),
            "responses": ok("the consultation", CONSULTATION, "201"),
        },
    },
    "/consultations/{consultation_id}": {
        "get": {
            "summary": "A consultation with documents and questions",
            "security": BEARER,
            "parameters": [id_param("consultation_id")],
            "responses": ok("consultation", CONSULTATION),
        }
    },
    "/consultations/{consultation_id}/results": {
        "get": {
            "summary": "Participation and answers by headcount and by area",
            "security": BEARER,
            "parameters": [id_param("consultation_id")],
            "responses": ok(
                "results",
                {**RESULTS, "required": [*RESULTS["required"], "consultation_id", "state"]},
            ),
        }
    },
    "/participation/{token}": {
        "get": {
            "summary": "An owner's topic by personal token (no account)",
            "security": [],
            "parameters": [TOKEN_PARAM],
            "responses": {
                **ok(
                    "topic",
                    record(
                        [
                            "consultation",
                            "units",
                            "verification_required",
                            "comments",
                        ],
                        {
                            "consultation": CONSULTATION,
                            "units": {"type": "array", "items": TEXT},
                            "verification_required": {"type": "boolean"},
                            "comments": {"type": "array", "items": COMMENT},
                            "results": RESULTS,
                        },
                    ),
                ),
                "429": ERROR,
            },
        }
    },
    "/participation/{token}/comments": {
        "post": {
            "summary": "An owner's comment or reply (plain text, at most 2,000 characters)",
            "security": [],
            "parameters": [TOKEN_PARAM],
            "requestBody": json_body(
                record(
                    ["body"],
                    {
                        "body": {"type": "string", "minLength": 1, "maxLength": 2000},
                        "parent_id": {"anyOf": [ID_IN, {"type": "null"}]},
                        "verification": VERIFY,
                    },
                )
            ),
            "responses": {**ok("the comment", COMMENT, "201"), "429": ERROR},
        }
    },
    "/participation/{token}/answers": {
        "post": {
            "summary": "Submit or replace an owner's answers until the deadline",
            "security": [],
            "parameters": [TOKEN_PARAM],
            "requestBody": json_body(
                record(
                    ["answers"],
                    {
                        "answers": {
                            "type": "object",
                            "additionalProperties": {
                                "oneOf": [
                                    {"type": "array", "items": {"type": "string", "maxLength": 32}},
                                    {"type": "string", "maxLength": 32},
                                ],
                                "description": "option codes; one code may be given alone",
                            },
                        },
                        "verification": VERIFY,
                    },
                )
            ),
            "responses": {
                **ok(
                    "the answers kept",
                    record(
                        ["answers", "updated_at"],
                        {"answers": {"type": "object"}, "updated_at": TIME_OR_NULL},
                    ),
                ),
                "429": ERROR,
            },
        }
    },
}
