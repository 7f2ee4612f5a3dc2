"""After a secret meeting, no table holds a plaintext choice of its ballots (issue 15).

Every row of every table is read, every text, JSON and binary column searched for what a
plaintext choice looks like: a matter id followed by a list of option ids (the ANSWER of
FORMATS §3, compact or spaced, [] included), and the option ids and labels of the secret
meeting's selection and election outside the rows that define them. An open meeting cast
alongside in the same way is found by the same search, so the search can fail. The log
lines written while casting are searched too.
"""

import json
import logging
import re

from sqlalchemy import select

from voting.db import db

from .drivers import DRIVERS
from .support import Unit, election, motion, selection

UNITS = [Unit(f"{n}01", f"{80 + 10 * n}.00", f"o{n}") for n in range(1, 9)]
SECRET_MATTERS = [
    motion("调整物业服务收费标准"),
    selection("选聘物业服务企业", ["金盾物业", "银桥物业", "铜锣物业"]),
    election("选举业主委员会委员", ["赵一", "钱二", "孙三", "李四", "周五"], 3, 0),
]
OPEN_MATTERS = [motion("修订管理规约"), selection("选定停车方案", ["晨光方案", "暮色方案"])]
#: Where the secret meeting's options are defined (their labels belong there): the options
#: table and the audit event of the notice, which records what the owners were asked.
DEFINITIONS = {"options", "audit_events meeting.announced"}


def cast(app, make, kit, opened, tag: str) -> None:
    """Online ballots through the pages and the API, paper, proxy and a mismatched paper
    ballot settled by a third member."""
    from voting.auth.models import User
    from voting.ballots.paper import enter_paper_ballot
    from voting.meetings.models import Meeting, Voter

    a = opened.answers
    labels = [list(codes) for codes in opened.codes]
    pages = DRIVERS["pages"](app, make, kit, opened, names=(f"{tag}wang", f"{tag}li"))
    api = DRIVERS["api"](app, make, kit, opened, names=(f"{tag}zhao", f"{tag}qian"))
    pages.online("o1", a({0: ["同意"], 1: [labels[1][0]]}))
    api.online("o2", a({0: ["反对"], 1: [labels[1][1]]}))
    pages.online("o3", a({0: [], 1: []}))
    api.paper("o4", a({0: ["同意"], 1: [labels[1][-1]]}))
    api.paper("o5", a({0: ["反对"], 1: "invalid"}))
    pages.paper("o6", a({0: ["同意"]}), channel="proxy")
    if len(labels) > 2:
        api.online("o7", a({2: labels[2][:3]}))
    members = [kit.committee(make, opened.community_id, f"{tag}{n}").id for n in range(3)]
    with app.app_context():
        meeting = db.session.get(Meeting, opened.meeting_id)
        voter = db.session.get(Voter, opened.voter_ids["o8"])
        for member, choice in zip(members, ["同意", "反对", "同意"], strict=True):
            user = db.session.get(User, member)
            enter_paper_ballot(meeting, voter, user, answers=a({0: [choice], 1: [labels[1][1]]}))
        db.session.commit()


def rows_text(app) -> list[tuple[str, str, str]]:
    """(table, column, text) of every non-empty text, JSON or binary value in the database."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, dict | list):
                        texts = [json.dumps(value, ensure_ascii=False)]
                        texts.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
                    elif isinstance(value, str):
                        texts = [value]
                    elif isinstance(value, bytes | memoryview):
                        texts = [bytes(value).decode("utf-8", "ignore")]
                    else:
                        continue
                    # An audit event is named by its type: the meeting's plan defines options.
                    where = table.name if "type" not in row else f"{table.name} {row['type']}"
                    found += [(where, column, text) for text in texts if text]
    return found


def choice_patterns(app, meeting_id: int) -> tuple[list[re.Pattern], list[str]]:
    """What a plaintext choice of the meeting looks like: each matter id followed by a list
    of option ids (option ids are short numbers, found everywhere: they are searched inside
    such lists only), and the labels of its selections' and elections' options."""
    from voting.meetings.models import Meeting

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        patterns = [re.compile(rf'"{m.public_id}"\s*:\s*\[') for m in meeting.matters]
        words = [
            word
            for m in meeting.matters
            if m.kind != "motion"
            for o in m.options
            for word in (o.label,)
        ]
    return patterns, words


def hits(texts, patterns, words, skip=frozenset()) -> list[tuple[str, str, str]]:
    out = []
    for table, column, text in texts:
        if table in skip:
            continue
        for pattern in patterns:
            if match := pattern.search(text):
                out.append((table, column, text[max(0, match.start() - 40) : match.end() + 40]))
        out += [(table, column, word) for word in words if word in text]
    return out


def test_no_table_holds_a_plaintext_choice_of_a_secret_meeting(app, make, kit, caplog):
    secret = kit.open(kit.community(UNITS), SECRET_MATTERS, secret=True)
    plain = kit.open(kit.community(UNITS), OPEN_MATTERS)
    with caplog.at_level(logging.DEBUG):
        cast(app, make, kit, secret, "s")
        cast(app, make, kit, plain, "p")
    kit.close(secret)
    kit.close(plain)
    texts = rows_text(app)
    assert {table for table, _, _ in texts} >= {"ballots", "paper_entries", "proxy_authorisations"}

    patterns, words = choice_patterns(app, secret.meeting_id)
    assert hits(texts, patterns, words, skip=DEFINITIONS) == []
    # Where the words are, they define the options: exactly one row each.
    defined = hits(texts, [], words)
    assert {table for table, _, _ in defined} == DEFINITIONS
    logged = [(r.name, "log", r.getMessage()) for r in caplog.records]
    assert hits(logged, patterns, words) == []

    # The open meeting's ballots are found by the same search: the search can fail.
    patterns, words = choice_patterns(app, plain.meeting_id)
    found = hits(texts, patterns, words, skip=DEFINITIONS)
    assert {table for table, _, _ in found} >= {"ballots", "paper_entries"}


def test_the_mismatched_keying_is_discarded_with_the_match(app, make, kit):
    from voting.ballots.models import PaperEntry

    secret = kit.open(kit.community(UNITS), SECRET_MATTERS, secret=True)
    cast(app, make, kit, secret, "s")
    with app.app_context():
        entries = db.session.scalars(
            select(PaperEntry).where(PaperEntry.voter_id == secret.voter_ids["o8"])
        ).all()
    assert len(entries) == 3 and all(e.ballot_id is not None for e in entries)
    assert [e.answers for e in entries] == [{}, {}, {}]
