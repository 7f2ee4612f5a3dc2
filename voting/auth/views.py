"""Staff login, logout, the account page, and the language switch."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from voting.auth.forms import LoginForm, TokenForm
from voting.auth.models import User
from voting.auth.services import check_password, issue_token, note_login
from voting.db import db
from voting.limits import login_budget, spend

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_budget
def login():
    """Staff sign in with username and password."""
    form = LoginForm()
    if form.validate_on_submit():
        # Every try spends the account's budget before the password is checked, from any
        # address: guessing one account from many addresses meets the same wait.
        spend("ACCOUNT_RATE_LIMIT", form.username.data.strip().casefold())
        user = db.session.scalar(select(User).where(User.username == form.username.data))
        if check_password(user, form.password.data) and user.is_enabled:
            login_user(user)
            note_login(user)
            home = "door.home" if user.is_building_head else "rosters.home"
            return redirect(_safe_next(request.args.get("next")) or url_for(home))
        flash(_("用户名或密码不正确。"), "error")
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never redirect a login to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The account page: make an API token (shown once); none for a building head."""
    if current_user.is_building_head:
        abort(403)
    form = TokenForm()
    token = None
    if form.validate_on_submit():
        token = issue_token(current_user, form.label.data or "")
    return render_template("auth/account.html", form=form, token=token)


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the interface language (zh_CN or en) and go back."""
    target = _safe_next(request.args.get("next")) or "/"
    response = make_response(redirect(target))
    if code in ("zh_CN", "en"):
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
