"""Offices, communities, rosters, procedure and audit over the API."""

from flask import g, jsonify, request

from voting.api import ApiError, as_id, bp, json_body, public_id, require_user
from voting.audit.services import chain_events, chain_name
from voting.auth.permissions import community_for, permit
from voting.auth.services import can_see_community
from voting.db import db
from voting.rosters import services
from voting.rosters.models import Community, Office, Unit
from voting.rules.procedure import ProcedureError
from voting.web import MAX_INT_ID, current_lang, format_area


def _community_json(community: Community) -> dict:
    totals = services.community_totals(community)
    return {
        "id": public_id(community.id),
        "name": community.name,
        "office": {"id": public_id(community.office.id), "name": community.office.name},
        "committee_kind": community.committee_kind,
        "procedure": community.procedure or {},
        "roster": {
            "units": totals.units,
            "owners": totals.owners,
            "area": format_area(totals.area),
        },
    }


@bp.post("/offices")
def create_office():
    """Register a street office (administrators)."""
    require_user()
    permit("create", "office")
    office = services.create_office(json_body()["name"])
    return jsonify({"id": public_id(office.id), "name": office.name}), 201


@bp.post("/communities")
def create_community():
    """Register a community (administrators; office staff in their own office)."""
    require_user()
    user = permit("create", "community")
    data = json_body()
    office_id = as_id(data["office_id"])
    if user.role == "office" and office_id != user.office_id:
        raise ApiError(403, "forbidden", "office staff create communities in their own office")
    if office_id > MAX_INT_ID or db.session.get(Office, office_id) is None:
        raise ApiError(422, "invalid", f"no office {office_id}", [{"field": "office_id"}])
    community = services.create_community(
        data["name"], office_id, data.get("committee_kind", "owners_committee")
    )
    return jsonify(_community_json(community)), 201


@bp.get("/communities/<int:community_id>")
def get_community(community_id: int):
    """A community with its roster totals."""
    require_user()
    return jsonify(_community_json(community_for(community_id)))


@bp.put("/communities/<int:community_id>/roster")
def put_roster(community_id: int):
    """Replace the roster with an uploaded CSV/XLSX file (all or nothing)."""
    require_user()
    community = community_for(community_id, "edit", "roster")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "invalid", "a multipart field 'file' is required", [{"field": "file"}])
    report = services.import_roster(community, upload.read(), upload.filename or "")
    report = {**report, "area": format_area(report["area"])}
    return jsonify(report)


@bp.get("/communities/<int:community_id>/roster")
def get_roster(community_id: int):
    """Units and owners; identity data masked."""
    require_user()
    community = community_for(community_id, "see", "roster")
    page_number = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    per_page = min(max(request.args.get("per_page", 500, type=int), 1), 5000)
    page = services.search_units(
        community.id, request.args.get("q", "")[:100], page_number, per_page=per_page
    )
    return jsonify(
        {
            "community_id": public_id(community.id),
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
            "units": [_unit_json(unit) for unit in page.items],
        }
    )


def _unit_json(unit: Unit) -> dict:
    def area(value):
        return None if value is None else format_area(value)

    return {
        "id": public_id(unit.id), "building": unit.building, "number": unit.number,
        "unit_type": unit.unit_type, "registered_area": area(unit.registered_area),
        "surveyed_area": area(unit.surveyed_area), "contract_area": area(unit.contract_area),
        "area": area(unit.area), "is_developer_held": unit.is_developer_held,
        "owners": [
            {"key": h.owner.key, "name": h.owner.name, "is_representative": h.is_representative,
             "id_number": h.owner.id_masked, "phone": h.owner.phone_masked}
            for h in unit.holdings
        ],
    }  # fmt: skip


@bp.put("/communities/<int:community_id>/procedure")
def put_procedure(community_id: int):
    """Set the rules-of-procedure settings of DOMAIN.md."""
    require_user()
    community = community_for(community_id, "edit", "procedure")
    try:
        procedure = services.update_procedure(community, json_body())
    except ProcedureError as error:
        details = [{"code": p.code, "message": p.en if current_lang() == "en" else p.zh}
                   for p in error.problems]  # fmt: skip
        raise ApiError(422, "invalid_procedure", details[0]["message"], details) from None
    return jsonify(procedure.to_dict())


@bp.get("/communities/<int:community_id>/audit")
def get_audit(community_id: int):
    """The community's audit chain (FORMATS.md §5): whole for staff in scope; for anyone
    else, once a result is published, the events up to the last one a result commits to."""
    from voting.results.public import audit_events, public_seq

    user = g.get("api_user")
    community = db.session.get(Community, community_id)
    if community is not None and user is not None and can_see_community(user, community):
        events = chain_events(chain_name(community.id))
        return jsonify({"format": "gongyi-audit/1", "events": [e.as_dict() for e in events]})
    upto = public_seq(community_id) if community is not None else 0
    if upto == 0:
        require_user()
        community_for(community_id)
    return jsonify({"format": "gongyi-audit/1", "events": audit_events(community_id, upto)})
