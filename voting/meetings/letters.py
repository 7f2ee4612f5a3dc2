"""QR letters and the links CSV: where each voter's personal link is printed or exported."""

from voting.links import public_url, qr_svg
from voting.meetings.credentials import credential_token, live_credentials
from voting.meetings.models import Credential, Meeting, Voter
from voting.spreadsheets import csv_text


def link_for(token: str) -> str:
    """The absolute URL of a voter's page, /v/<token>, on the public address."""
    return public_url("ballots.welcome", token=token)


def letters(meeting: Meeting, voter_id: int | None = None, building: str = "") -> list[dict]:
    """One letter per live credential (or one voter's), with its link and QR code."""
    out = []
    for voter, credential in live_credentials(meeting):
        if voter_id is not None and voter.id != voter_id:
            continue
        if building and voter.building != building:
            continue
        link = link_for(credential_token(credential))
        units = "、".join(voter.units)
        out.append({"voter": voter, "units": units, "link": link, "qr": qr_svg(link, units)})
    return out


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
