"""QR letters and the links CSV: where each voter's personal link is printed or exported."""

from flask_babel import gettext as _

from voting.links import public_url, qr_svg
from voting.meetings.credentials import credential_token, live_credentials
from voting.meetings.models import Credential, Meeting, Voter
from voting.spreadsheets import csv_text


def link_for(token: str) -> str:
    """The absolute URL of a voter's page, /v/<token>, on the public address."""
    return public_url("ballots.welcome", token=token)


def letters(meeting: Meeting, voter_id: int | None = None, building: str = "") -> list[dict]:
    """One letter per live credential (or one voter's), with its link; see ``with_qr``."""
    out = []
    for voter, credential in live_credentials(meeting):
        if voter_id is not None and voter.id != voter_id:
            continue
        if building and voter.building != building:
            continue
        link = link_for(credential_token(credential))
        units = "、".join(voter.units)
        out.append({"voter": voter, "units": units, "link": link, "check": check_step(voter)})
    return out


def with_qr(shown: list[dict]) -> list[dict]:
    """The letters of one printed page with their QR codes (drawn only for the page: a QR
    code costs tens of milliseconds, and a community has hundreds of letters)."""
    for letter in shown:
        letter["qr"] = qr_svg(letter["link"], letter["units"])
    return shown


def check_step(voter: Voter) -> str | None:
    """The identity step as this owner meets it, or None when the roster holds nothing to check.

    An owner asked for digits the roster does not hold would be stuck at the first page.
    """
    if not voter.salt:
        return None
    if voter.id_last4_hash and voter.phone_last4_hash:
        return _("按提示输入身份证号或登记手机号的后四位，核对是您本人。")
    if voter.id_last4_hash:
        return _("按提示输入身份证号的后四位，核对是您本人。")
    if voter.phone_last4_hash:
        return _("按提示输入登记手机号的后四位，核对是您本人。")
    return None


def choice_steps(meeting: Meeting) -> list[str]:
    """How to choose, in the words of the meeting's own kinds of matter (as on the ballot)."""
    kinds = [m.kind for m in meeting.matters]
    steps = []
    if "motion" in kinds:
        steps.append(_("表决事项：逐项选择“同意”“反对”或“弃权”。"))
    if "selection" in kinds:
        steps.append(_("选聘事项：在列出的企业或方案中只选一个，也可以选“弃权”。"))
    seats = sorted({m.seats for m in meeting.matters if m.kind == "election"})
    if len(seats) == 1:
        steps.append(_("选举事项：在候选人中最多选 %(n)s 人，可以少选，也可以选“弃权”。",
                       n=seats[0]))  # fmt: skip
    elif seats:
        steps.append(_("选举事项：每项最多选几人写在选票上，可以少选，也可以选“弃权”。"))
    return steps


def buildings(meeting: Meeting) -> list[str]:
    """The buildings that have voters with links, for the letters' filter."""
    return sorted({voter.building for voter, _ in live_credentials(meeting)})


def credentials_csv(meeting: Meeting) -> str:
    """One row per voter who can vote: owner_key, building, units, masked name, link."""
    rows = (_row(voter, credential) for voter, credential in live_credentials(meeting))
    return csv_text(["owner_key", "building", "units", "name", "link"], rows)


def _row(voter: Voter, credential: Credential) -> list[str]:
    link = link_for(credential_token(credential))
    return [voter.person_key, voter.building, "、".join(voter.units), voter.display_name, link]
