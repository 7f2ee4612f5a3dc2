"""Who may see what: load-and-authorize helpers used before every staff action."""

from functools import wraps

from flask import abort, g
from flask_login import current_user

from voting.auth.models import User
from voting.auth.services import can_see_community
from voting.db import db
from voting.extensions import login_manager
from voting.rosters.models import Community


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_enabled else None


def acting_user() -> User | None:
    """The API token's user, else the logged-in staff user."""
    return g.get("api_user") or (current_user if current_user.is_authenticated else None)


def acting_actor() -> str | None:
    """``user:<username>`` of the acting user, as the audit log names staff; None when none."""
    user = acting_user()
    return f"user:{user.username}" if user is not None else None


def require_staff():
    """before_request of staff blueprints: send anonymous visitors to the login page; a
    building head (楼长) has no staff page at all (403), only voting.door's."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.is_building_head:
        abort(403)
    return None


def get_community_or_404(community_id: int) -> Community:
    """The community, if it exists and lies in the acting user's scope; else 404."""
    user = acting_user()
    community = db.session.get(Community, community_id)
    if community is None or user is None or not can_see_community(user, community):
        abort(404)
    return community


def require_role(*roles: str):
    """Refuse (403) users whose role is not among ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = acting_user()
            if user is None or user.role not in roles or user.is_building_head:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
