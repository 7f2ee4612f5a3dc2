"""The key cards of a secret meeting's ceremony: one printable page per trustee, shown once.

The page is the answer to the approval itself: it is never stored, never cached (no-store),
and cannot be opened again; the passphrases it prints exist nowhere else.
"""

import json

from flask import make_response, render_template

from voting.links import qr_svg
from voting.meetings.ceremony import KeyCard, short_fingerprint
from voting.meetings.models import Meeting


def key_cards_page(meeting: Meeting, cards: list[KeyCard]):
    """The response that shows the key cards (200, never cached)."""
    community = meeting.community
    shown = [
        {
            "card": card,
            "qr": qr_svg(json.dumps(card.key_share, separators=(",", ":")), card.name),
            "file_name": share_file_name(meeting, card.number),
        }
        for card in cards
    ]
    body = render_template(
        "trustees/key_cards.html",
        meeting=meeting,
        community=community,
        cards=shown,
        fingerprint=short_fingerprint(meeting.joint_key),
        threshold=meeting.trustee_threshold,
        trustees=len(meeting.trustees),
    )
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def share_file_name(meeting: Meeting, number: int) -> str:
    """The download name of trustee ``number``'s sealed share file."""
    return f"meeting-{meeting.id}-trustee-{number}-key-share.json"
