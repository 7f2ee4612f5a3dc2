"""The administrator's pages: offices with their staff and keys, communities with their
committee accounts and keys, every staff account, password resets."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from voting.admin.forms import AccountForm, ActionForm, PasswordFields
from voting.auth.access import require_staff
from voting.auth.models import User
from voting.auth.services import AccountError, add_user, reset_password
from voting.db import db
from voting.results.keys import SigningKeyError, create_signing_key, current_keys
from voting.rosters.models import Community, Office

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 100
ROLE_WORDS = {
    "admin": _l("系统管理员"),
    "office": _l("街道工作人员"),
    "committee": _l("业委会成员"),
    "building_head": _l("楼长"),
}
#: The pages' words for each rule add_user or reset_password refused.
ACCOUNT_REFUSALS = {
    "taken": _l("该用户名已被使用，请换一个。"),
    "username": _l("用户名须为 1 至 64 个字符。"),
    "password": _l("密码须为 10 至 256 个字符。"),
}


def admin_only():
    """Guard of every page here: the staff pages' guard (anonymous visitors sign in first,
    building heads are refused), then other staff are refused too."""
    signing_in = require_staff()
    if signing_in is None and current_user.role != "admin":
        abort(403)
    return signing_in


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), 100_000)


@bp.get("/")
def offices():
    """Street offices with their staff count and signing key."""
    listing = db.paginate(
        select(Office).order_by(Office.id), page=_page(), per_page=PER_PAGE, error_out=False
    )
    ids = [office.id for office in listing.items]
    staff = _counts(User.office_id, ids, User.role == "office")
    communities = _counts(Community.office_id, ids)
    return render_template(
        "admin/offices.html", listing=listing, staff=staff, communities=communities,
        keys=current_keys(Office, ids), form=ActionForm(),
    )  # fmt: skip


@bp.get("/communities")
def communities():
    """Communities (of one office, or all) with their committee accounts and signing key."""
    query = select(Community).order_by(Community.id)
    office = None
    if office_id := request.args.get("office", type=int):
        office = db.session.get(Office, office_id) or abort(404)
        query = query.where(Community.office_id == office.id)
    listing = db.paginate(query, page=_page(), per_page=PER_PAGE, error_out=False)
    ids = [community.id for community in listing.items]
    return render_template(
        "admin/communities.html", listing=listing, office=office,
        accounts=_counts(User.community_id, ids, User.role == "committee"),
        keys=current_keys(Community, ids), form=ActionForm(),
    )  # fmt: skip


def _counts(column, ids: list[int], *where) -> dict[int, int]:
    """How many users (or communities) each of ``ids`` has, by ``column``."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(column, func.count()).where(column.in_(ids), *where).group_by(column)
    )
    return dict(rows.tuples().all())


@bp.get("/users")
def users():
    """Every staff account with its role and scope; filtered by office or community."""
    query, filters = select(User).order_by(User.id), {}
    if office_id := request.args.get("office", type=int):
        query, filters["office"] = query.where(User.office_id == office_id), office_id
    if community_id := request.args.get("community", type=int):
        query, filters["community"] = query.where(User.community_id == community_id), community_id
    listing = db.paginate(query, page=_page(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html", listing=listing, filters=filters, role_words=ROLE_WORDS,
        scopes=_scope_names(listing.items),
    )  # fmt: skip


def _scope_names(users: list[User]) -> dict[int, str]:
    """The office or community each user works for, by user id."""
    offices = {u.office_id for u in users if u.office_id}
    communities = {u.community_id for u in users if u.community_id}
    names = {}
    if offices:
        rows = db.session.execute(select(Office.id, Office.name).where(Office.id.in_(offices)))
        names |= {("office", i): n for i, n in rows}
    if communities:
        rows = db.session.execute(
            select(Community.id, Community.name).where(Community.id.in_(communities))
        )
        names |= {("community", i): n for i, n in rows}
    return {
        u.id: names.get(("community", u.community_id)) or names.get(("office", u.office_id))
        for u in users
        if u.office_id or u.community_id
    }


@bp.route("/users/new", methods=["GET", "POST"])
def new_admin():
    """Open another administrator account."""
    return _new_account("admin", None)


@bp.route("/offices/<int:office_id>/users/new", methods=["GET", "POST"])
def new_office_user(office_id: int):
    """Open an account for a member of the office's staff."""
    return _new_account("office", db.session.get(Office, office_id) or abort(404))


@bp.route("/communities/<int:community_id>/users/new", methods=["GET", "POST"])
def new_committee_user(community_id: int):
    """Open an account for a member of the community's committee."""
    return _new_account("committee", db.session.get(Community, community_id) or abort(404))


def _new_account(role: str, scope: Office | Community | None):
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = add_user(
                form.username.data.strip(), form.password.data, role,
                office_id=scope.id if role == "office" else None,
                community_id=scope.id if role == "committee" else None,
                display_name=(form.display_name.data or "").strip(),
            )  # fmt: skip
        except AccountError as error:
            db.session.rollback()
            form.username.errors.append(ACCOUNT_REFUSALS.get(error.reason, str(error)))
        else:
            flash(_("已开通账户 %(username)s。请把用户名和密码当面交给本人。",
                    username=user.username), "success")  # fmt: skip
            return redirect(url_for("admin.users", **_scope_args(user)))
    status = 422 if form.errors else 200
    return render_template(
        "admin/new_user.html", form=form, role_word=ROLE_WORDS[role], scope=scope
    ), status


def _scope_args(user: User) -> dict:
    if user.community_id:
        return {"community": user.community_id}
    return {"office": user.office_id} if user.office_id else {}


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def password(user_id: int):
    """Give a staff account a new password (the user forgot it, or it leaked)."""
    user = db.session.get(User, user_id) or abort(404)
    form = PasswordFields()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data)
        except AccountError as error:
            db.session.rollback()
            form.password.errors.append(ACCOUNT_REFUSALS.get(error.reason, str(error)))
        else:
            flash(_("已为 %(username)s 设置新密码。", username=user.username), "success")
            return redirect(url_for("admin.users", **_scope_args(user)))
    status = 422 if form.errors else 200
    return render_template(
        "admin/password.html", form=form, user=user, role_words=ROLE_WORDS
    ), status


@bp.post("/offices/<int:office_id>/key")
def office_key(office_id: int):
    """Make or rotate the street office's signing key."""
    office = db.session.get(Office, office_id) or abort(404)
    return _new_key(office, url_for("admin.offices", page=_page()))


@bp.post("/communities/<int:community_id>/key")
def community_key(community_id: int):
    """Make or rotate the committee's signing key."""
    community = db.session.get(Community, community_id) or abort(404)
    return _new_key(community, url_for("admin.communities", page=_page()))


def _new_key(owner: Office | Community, back: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        key = create_signing_key(owner)
    except SigningKeyError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back)
    done = _(
        "%(owner)s 的新签名密钥已生成，密钥编号 %(key_id)s。旧密钥已停用，但仍公开以便核验旧结果。",
        owner=owner.name,
        key_id=key.key_id,
    )
    flash(done, "success")
    return redirect(back)
