"""Who may do what in supervision: office staff act for the communities of their office."""

from flask import abort

from voting.auth.access import acting_user
from voting.auth.models import User
from voting.auth.services import on_staff_of
from voting.db import db
from voting.rosters.models import Community, Office
from voting.supervision.errors import refuse


def require_office(user: User | None, community: Community) -> User:
    """Only staff of the office that supervises the community appoint or end mandates."""
    if not on_staff_of(user, community.office_id):
        raise refuse(
            "OFFICE_ONLY",
            "只有本小区所属街道办事处的工作人员可以组建筹备组、物管会或登记业主委员会。",
            "Only staff of the community's street office can appoint or record committees.",
            403,
        )
    return user


def get_office_or_404(office_id: int) -> Office:
    """The office, for its own staff and administrators; committees are refused (403)."""
    user = acting_user()
    if user is None or user.role == "committee":
        abort(403)
    office = db.session.get(Office, office_id)
    if office is None or (user.role == "office" and user.office_id != office.id):
        abort(404)
    return office
