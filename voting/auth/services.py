"""Accounts, passwords, API tokens and the scope of each role."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import g, has_app_context
from sqlalchemy import false, select

from voting.audit.services import record_event
from voting.auth.models import ROLES, ApiToken, CommitteeMandate, User
from voting.crypto.tokens import token_hash
from voting.db import db, utcnow
from voting.errors import Refused
from voting.rosters.models import Community, Office

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 10, 256
#: Verified against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(Refused):
    """A user could not be created or changed; the message says why (in English, for the
    command line) and ``reason`` which rule refused it, for pages to say it in their language."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True if the password is the user's; always spends the same hashing time."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


def add_user(
    username: str,
    password: str,
    role: str,
    *,
    office_id: int | None = None,
    community_id: int | None = None,
    display_name: str = "",
    buildings: list[str] | None = None,
) -> User:
    """Create a staff account scoped to its office or community (a building head: to some
    buildings of its community)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "role")
    if not username or len(username) > 64:
        raise AccountError("username must be 1 to 64 characters", "username")
    _check_password_rule(password)
    if db.session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"user {username} already exists", "taken")
    if role == "office" and (office_id is None or db.session.get(Office, office_id) is None):
        raise AccountError("an office user needs an existing --office", "scope")
    if role in ("committee", "building_head") and (
        community_id is None or db.session.get(Community, community_id) is None
    ):
        raise AccountError("a committee user needs an existing --community", "scope")
    if role == "building_head" and not buildings:
        raise AccountError("a building head needs at least one building", "buildings")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        office_id=office_id if role == "office" else None,
        community_id=community_id if role in ("committee", "building_head") else None,
        display_name=display_name or username,
        buildings=list(buildings or []) if role == "building_head" else None,
    )
    db.session.add(user)
    db.session.flush()
    _log_user(
        "added",
        user,
        {
            "role": role,
            "office_id": user.office_id,
            **({"buildings": user.buildings} if user.buildings else {}),
        },
    )
    return user


def _log_user(type: str, user: User, data: dict, actor: str | None = None) -> None:
    """Append ``user.<type>`` (the username first, then ``data``) to the chain of the account's
    community, else of its office, else the system's."""
    record_event(
        f"user.{type}",
        {"username": user.username, **data},
        community_id=user.community_id,
        office_id=user.office_id,
        actor=actor,
    )


def _check_password_rule(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters"
            f" (at most {MAX_PASSWORD_LENGTH})",
            "password",
        )


def reset_password(user: User, password: str) -> None:
    """Give a staff account a new password (the administrator's reset); logged, never the
    password itself. API tokens stay valid: revoking them is a separate decision."""
    _check_password_rule(password)
    user.password_hash = hash_password(password)
    db.session.flush()
    _log_user("password_reset", user, {"role": user.role})


def issue_token(user: User, label: str = "") -> str:
    """Make a new API bearer token for the user; returns it once, stores only its hash."""
    token = "gy_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=token_hash(token), label=label))
    _log_user("token_issued", user, {"label": label})
    return token


def user_for_token(token: str) -> User | None:
    """The enabled user a live token belongs to, else None."""
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.is_enabled or row.user.is_building_head:
        return None
    return row.user


def note_login(user: User) -> None:
    """Record a staff login."""
    user.last_login_at = utcnow()
    _log_user("login", user, {}, actor=f"user:{user.username}")


# --- scope -------------------------------------------------------------------------------


def can_see_community(user: User, community: Community) -> bool:
    """Administrators everywhere, office staff in their office, committees in their community
    (unless their mandate there ended: a preparatory group after the committee took over).
    Building heads see no community through the staff pages; voting.door scopes them."""
    if user.role == "admin":
        return True
    if user.role == "office":
        return community.office_id == user.office_id
    if user.role != "committee":
        return False
    return community.id == user.community_id and not lost_committee_powers(user)


def on_committee_of(user: User | None, community_id: int) -> bool:
    """True when the user is a committee account of the community."""
    return user is not None and user.role == "committee" and user.community_id == community_id


def on_staff_of(user: User | None, office_id: int | None) -> bool:
    """True when the user is a staff account of the street office."""
    return user is not None and user.role == "office" and user.office_id == office_id


def visible_communities(user: User):
    """A select() of the communities the user may see."""
    query = select(Community).order_by(Community.id)
    if user.role == "office":
        return query.where(Community.office_id == user.office_id)
    if user.role == "building_head":
        return query.where(false())
    if user.role == "committee":
        if lost_committee_powers(user):
            return query.where(false())
        return query.where(Community.id == user.community_id)
    return query


#: flask.g key of the request's cache of lost_committee_powers answers.
_POWERS_CACHE = "lost_committee_powers"


def lost_committee_powers(user: User) -> bool:
    """True when the user's community has a committee mandate that does not name the user.

    Committee powers come from the current mandate; before the office records any, the
    community's committee accounts (opened by the office or an administrator) act for it.
    An account opened after a mandate, or a member of an ended one, waits to be named.
    """
    if user.role != "committee" or user.community_id is None:
        return False
    cache = g.setdefault(_POWERS_CACHE, {}) if has_app_context() else {}
    key = (user.id, user.community_id)
    if key not in cache:
        rows = db.session.execute(
            select(CommitteeMandate.members, CommitteeMandate.ended_at).where(
                CommitteeMandate.community_id == user.community_id
            )
        ).all()
        current = any(user.id in members for members, ended_at in rows if ended_at is None)
        cache[key] = bool(rows) and not current
    return cache[key]


def forget_committee_powers() -> None:
    """Drop the request's cached answers: a mandate was just recorded or ended."""
    if has_app_context():
        g.pop(_POWERS_CACHE, None)
