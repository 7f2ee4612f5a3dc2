"""The OpenAPI 3 document of API v1, served at /api/v1/openapi.json."""

from flask import jsonify

from voting.api import bp

ERROR = {"$ref": "#/components/responses/Error"}
BEARER = [{"bearer": []}]


def _id(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }


def _json(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema: dict | None = None, status: str = "200") -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return {status: body, "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "422": ERROR}


OBJECT = {"type": "object"}
PROCEDURE = {
    "type": "object",
    "required": ["parking_policy"],
    "properties": {
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
    },
}

PATHS: dict[str, dict] = {
    "/offices": {
        "post": {
            "summary": "Register a street office (admin)",
            "security": BEARER,
            "requestBody": _json(
                {"type": "object", "required": ["name"],
                 "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}}}
            ),
            "responses": _ok("the office", OBJECT, "201"),
        }
    },
    "/communities": {
        "post": {
            "summary": "Register a community (admin, office)",
            "security": BEARER,
            "requestBody": _json(
                {"type": "object", "required": ["name", "office_id"],
                 "properties": {
                     "name": {"type": "string", "minLength": 1, "maxLength": 200},
                     "office_id": {"type": "integer"},
                     "committee_kind": {"enum": ["owners_committee", "management_committee",
                                                 "preparatory_group"]}}}
            ),
            "responses": _ok("the community", OBJECT, "201"),
        }
    },
    "/communities/{community_id}": {
        "get": {"summary": "A community with roster totals", "security": BEARER,
                "parameters": [_id("community_id")], "responses": _ok("community", OBJECT)}
    },
    "/communities/{community_id}/roster": {
        "get": {
            "summary": "Units and owners, identity data masked", "security": BEARER,
            "parameters": [_id("community_id"),
                           {"name": "q", "in": "query", "schema": {"type": "string"}},
                           {"name": "page", "in": "query", "schema": {"type": "integer"}},
                           {"name": "per_page", "in": "query", "schema": {"type": "integer"}}],
            "responses": _ok("roster page", OBJECT),
        },
        "put": {
            "summary": "Replace the roster with a CSV/XLSX file (all or nothing)",
            "security": BEARER,
            "parameters": [_id("community_id")],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": _ok("import report", OBJECT),
        },
    },
    "/communities/{community_id}/procedure": {
        "put": {"summary": "Rules-of-procedure settings", "security": BEARER,
                "parameters": [_id("community_id")], "requestBody": _json(PROCEDURE),
                "responses": _ok("settings", OBJECT)}
    },
    "/communities/{community_id}/audit": {
        "get": {"summary": "The audit chain (gongyi-audit/1)", "security": BEARER,
                "parameters": [_id("community_id")], "responses": _ok("events", OBJECT)}
    },
}  # fmt: skip


def document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gongyi (共议) API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "an error",
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["error"],
                        "properties": {"error": {"type": "object",
                                                 "required": ["code", "message", "details"]}}}}},
                }
            },
        },
    }  # fmt: skip


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document."""
    return jsonify(document())
