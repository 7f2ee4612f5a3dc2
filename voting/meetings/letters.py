"""QR letters and the links CSV: where each voter's personal link is printed or exported."""

import csv
import io

from voting.links import public_url, qr_svg
from voting.meetings.credentials import credential_token, live_credentials
from voting.meetings.models import Credential, Meeting, Voter


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["owner_key", "building", "units", "name", "link"])
    for voter, credential in live_credentials(meeting):
        writer.writerow(_row(voter, credential))
    # A BOM so that spreadsheet programs used in China open the UTF-8 file correctly.
    return "\ufeff" + buffer.getvalue()


def _row(voter: Voter, credential: Credential) -> list[str]:
    link = link_for(credential_token(credential))
    return [_cell(voter.person_key), _cell(voter.building), _cell("、".join(voter.units)),
            _cell(voter.display_name), link]  # fmt: skip


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in text that came from a roster file."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
