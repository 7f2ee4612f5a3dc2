"""The committee accounts of a community that the office can name members of a mandate."""

from sqlalchemy import select

from voting.auth.models import User
from voting.auth.services import AccountError, add_user
from voting.db import db
from voting.rosters.models import Community
from voting.supervision.access import require_office
from voting.supervision.errors import refuse


def member_accounts(community_id: int) -> list[User]:
    """The community's committee accounts that may be named members of a mandate."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "committee", User.community_id == community_id)
            .order_by(User.id)
        )
    )


def add_member_account(
    community: Community, user: User | None, username: str, display_name: str, password: str
) -> User:
    """The office opens a committee account for a member it is about to name (logged)."""
    require_office(user, community)
    try:
        return add_user(
            (username or "").strip(),
            password or "",
            "committee",
            community_id=community.id,
            display_name=(display_name or "").strip(),
        )
    except AccountError as error:
        if "already exists" in str(error):
            raise refuse(
                "USERNAME_TAKEN", "该用户名已被使用，请换一个。", "That username is taken."
            ) from None
        raise refuse(
            "ACCOUNT_INVALID",
            "用户名须为 1 至 64 个字符，密码至少 10 位。",
            "Usernames are 1 to 64 characters; passwords at least 10.",
        ) from None
