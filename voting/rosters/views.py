"""Staff pages: communities, the roster, its import, export and edits, the procedure."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from voting.audit.services import record_event
from voting.auth.permissions import community_for, load, permit
from voting.auth.services import visible_communities
from voting.db import db
from voting.rosters import services
from voting.rosters.export import export_csv, export_xlsx
from voting.rosters.forms import (
    CommunityForm,
    ContactForm,
    ImportForm,
    OfficeForm,
    ProcedureForm,
    UnitForm,
)
from voting.rosters.importer import unit_area
from voting.rosters.messages import RosterRejected
from voting.rosters.models import Office, RosterImport, Unit
from voting.rosters.services import CONTACT_FIELDS
from voting.rules.procedure import ProcedureError
from voting.web import current_lang

bp = Blueprint("rosters", __name__)


@bp.get("/")
def home():
    """The communities in the user's scope with their roster totals."""
    communities = list(db.session.scalars(visible_communities(current_user)))
    if current_user.role == "committee" and len(communities) == 1:
        return redirect(url_for("rosters.community", community_id=communities[0].id))
    rows = [(c, services.community_totals(c)) for c in communities]
    return render_template("rosters/home.html", rows=rows)


@bp.route("/offices/new", methods=["GET", "POST"])
def new_office():
    """Register a street office."""
    permit("create", "office")
    form = OfficeForm()
    if form.validate_on_submit():
        services.create_office(form.name.data)
        flash(_("已添加街道办事处。"), "success")
        return redirect(url_for("rosters.home"))
    return render_template("rosters/new_office.html", form=form)


@bp.route("/communities/new", methods=["GET", "POST"])
def new_community():
    """Register a community under an office in the user's scope."""
    permit("create", "community")
    form = CommunityForm()
    offices = select(Office).order_by(Office.id)
    if current_user.role == "office":
        offices = offices.where(Office.id == current_user.office_id)
    form.office_id.choices = [SelectChoice(o.id, o.name) for o in db.session.scalars(offices)]
    if form.validate_on_submit():
        community = services.create_community(
            form.name.data, form.office_id.data, form.committee_kind.data
        )
        flash(_("已添加小区。"), "success")
        return redirect(url_for("rosters.community", community_id=community.id))
    return render_template("rosters/new_community.html", form=form)


@bp.get("/communities/<int:community_id>")
def community(community_id: int):
    """A community's overview: roster totals under each parking policy, last import."""
    community = community_for(community_id)
    totals = services.roster_totals_by_policy(community)
    last_import = db.session.scalar(
        select(RosterImport)
        .where(RosterImport.community_id == community.id)
        .order_by(RosterImport.id.desc())
    )
    return render_template(
        "rosters/community.html", community=community, totals=totals, last_import=last_import
    )


@bp.get("/communities/<int:community_id>/roster")
def roster(community_id: int):
    """The roster, searchable by building, unit number or owner name."""
    community = community_for(community_id, "see", "roster")
    query = request.args.get("q", "")[:100]
    page = request.args.get("page", 1, type=int)
    units = services.search_units(community.id, query, min(max(page, 1), 100_000))
    totals = services.community_totals(community)
    return render_template(
        "rosters/roster.html", community=community, units=units, query=query, totals=totals,
        owner_names=services.owner_names,
    )  # fmt: skip


@bp.route("/communities/<int:community_id>/roster/import", methods=["GET", "POST"])
def import_roster(community_id: int):
    """Upload a roster file; all or nothing."""
    community = community_for(community_id, "edit", "roster")
    form = ImportForm()
    problems, report = [], None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = services.import_roster(community, upload.read(), upload.filename or "")
        except services.RosterFrozen as frozen:
            db.session.rollback()
            problems = [frozen.text(current_lang())]
            return render_template(
                "rosters/import.html", form=form, community=community, problems=problems
            ), 409
        except RosterRejected as rejected:
            db.session.rollback()
            problems = [p.describe(current_lang()) for p in rejected.problems]
            return render_template(
                "rosters/import.html", form=form, community=community, problems=problems
            ), 422
        flash(_("花名册已导入。"), "success")
    return render_template(
        "rosters/import.html", form=form, community=community, problems=problems, report=report
    )


@bp.get("/communities/<int:community_id>/roster/export.<fmt>")
def export_roster(community_id: int, fmt: str):
    """Download the roster as CSV or XLSX; identity data masked; the export is logged."""
    community = community_for(community_id, "see", "roster")
    if fmt == "csv":
        body, mimetype = export_csv(community.id), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = export_xlsx(community.id)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    record_event("roster.exported", {"format": fmt}, community_id=community.id)
    filename = f"roster-{community.id}.{fmt}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


@bp.route("/communities/<int:community_id>/roster/units/<int:unit_id>", methods=["GET", "POST"])
def edit_unit(community_id: int, unit_id: int):
    """Correct one unit; the change is logged with its before and after."""
    community = community_for(community_id, "edit", "roster")
    unit = load(Unit, unit_id)
    if unit is None or unit.community_id != community.id:
        abort(404)
    form = UnitForm(obj=None if request.method == "POST" else _unit_form_data(unit))
    if form.validate_on_submit():
        try:
            changes = {
                "unit_type": form.unit_type.data,
                "registered_area": unit_area((form.registered_area.data or "").strip()),
                "surveyed_area": unit_area((form.surveyed_area.data or "").strip()),
                "contract_area": unit_area((form.contract_area.data or "").strip()),
                "is_developer_held": form.is_developer_held.data,
            }
            services.edit_unit(unit, changes)
        except services.RosterFrozen as frozen:
            db.session.rollback()
            flash(frozen.text(current_lang()), "error")
            return render_template(
                "rosters/unit.html", form=form, community=community, unit=unit
            ), 409
        except ValueError:
            db.session.rollback()
            flash(_("面积至少填一项，且必须大于 0、最多两位小数。"), "error")
            return render_template(
                "rosters/unit.html", form=form, community=community, unit=unit
            ), 422
        flash(_("已保存。"), "success")
        return redirect(url_for("rosters.roster", community_id=community.id, q=unit.label))
    return render_template("rosters/unit.html", form=form, community=community, unit=unit)


def _unit_form_data(unit: Unit):
    from types import SimpleNamespace

    from voting.web import format_area

    def area(value):
        return "" if value is None else format_area(value)

    return SimpleNamespace(
        unit_type=unit.unit_type, registered_area=area(unit.registered_area),
        surveyed_area=area(unit.surveyed_area), contract_area=area(unit.contract_area),
        is_developer_held=unit.is_developer_held,
    )  # fmt: skip


@bp.route("/communities/<int:community_id>/contact", methods=["GET", "POST"])
def contact(community_id: int):
    """Where owners reach the committee and the office, printed on every resident page."""
    community = community_for(community_id, "contact")
    form = ContactForm(obj=None if request.method == "POST" else community)
    if form.validate_on_submit():
        services.update_contact(community, {name: form[name].data for name in CONTACT_FIELDS})
        flash(_("联系方式已保存，业主的投票页面会显示。"), "success")
        return redirect(url_for("rosters.contact", community_id=community.id))
    status = 422 if form.errors else 200
    return render_template("rosters/contact.html", form=form, community=community), status


@bp.route("/communities/<int:community_id>/procedure", methods=["GET", "POST"])
def procedure(community_id: int):
    """The community's rules-of-procedure settings."""
    community = community_for(community_id, "edit", "procedure")
    from types import SimpleNamespace

    current = SimpleNamespace(**(community.procedure or {}))
    form = ProcedureForm(obj=None if request.method == "POST" else current)
    errors = []
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        try:
            services.update_procedure(community, data)
        except ProcedureError as error:
            db.session.rollback()
            errors = [p.en if current_lang() == "en" else p.zh for p in error.problems]
        else:
            flash(_("议事规则设置已保存。"), "success")
            return redirect(url_for("rosters.community", community_id=community.id))
    return render_template(
        "rosters/procedure.html", form=form, community=community, errors=errors
    ), (422 if errors or form.errors else 200)
