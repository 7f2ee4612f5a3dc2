"""Committee mandates: the office appoints a preparatory group or a 物管会, records the elected
committee, and a group member loses committee powers once the committee takes over."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.audit.models import AuditEvent
from voting.db import db, utcnow
from voting.rosters.models import Community
from voting.supervision.errors import SupervisionError
from voting.supervision.models import CommitteeMandate

from .support import api


def term(days: int = 365 * 3):
    return (utcnow() + timedelta(days=days)).date()


def start(app, service, community_id: int, user, *args, **kwargs):
    """Run a mandate service as ``user`` and commit; errors roll back and propagate."""
    from voting.auth.models import User

    with app.app_context():
        community = db.session.get(Community, community_id)
        try:
            mandate = service(community, db.session.get(User, user.id), *args, **kwargs)
        except SupervisionError:
            db.session.rollback()
            raise
        db.session.commit()
        return mandate.id


def services():
    from voting.supervision import mandates

    return mandates


def record_elected(app, cast, member_ids: list[int]) -> int:
    """Community a's office records an elected committee of ``member_ids`` for three years."""
    return start(app, services().record_elected_committee, cast.a.id, cast["office_a"],
                 member_ids, term_ends_on=term())  # fmt: skip


def test_a_preparatory_group_acts_until_the_elected_committee_is_recorded(
    app, client, auth, make, cast, members, world
):
    group = members(3)
    m = services()
    mid = start(
        app, m.appoint_preparatory_group, cast.a.id, cast["office_a"], group.ids, group.ids[:2]
    )
    with app.app_context():
        assert db.session.get(Community, cast.a.id).committee_kind == "preparatory_group"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "mandate.appointed"))
        assert event.data["members"] == ["m1", "m2", "m3"] and event.data["mandate_id"] == mid
        assert event.actor == "user:office-a"

    # A group member acts for the community: its pages and the API answer.
    auth.login(group.users[0])
    assert client.get(f"/communities/{cast.a.id}").status_code == 200
    token = api(make, group.users[0])
    assert client.get(f"/api/v1/communities/{cast.a.id}", headers=token).status_code == 200
    auth.logout()

    # The owners elect a committee of three; m3 was in the group and is elected again.
    elected = members(2, start=4).users + [group.users[2]]
    record_elected(app, cast, [u.id for u in elected])
    with app.app_context():
        group_row = db.session.get(CommitteeMandate, mid)
        assert group_row.ended_at is not None and "职权终止" in group_row.end_reason
        assert db.session.get(Community, cast.a.id).committee_kind == "owners_committee"
        types = list(db.session.scalars(select(AuditEvent.type).order_by(AuditEvent.id)))
        assert types[-2:] == ["mandate.ended", "mandate.recorded"]

    # m1 is refused everywhere in the community now; m3 (re-elected) and m4 are not.
    auth.login(group.users[0])
    assert client.get(f"/communities/{cast.a.id}").status_code == 404
    assert client.get(f"/communities/{cast.a.id}/meetings").status_code == 404
    assert "观澜苑" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/api/v1/communities/{cast.a.id}", headers=token).status_code == 404
    for user in (group.users[2], elected[0]):
        auth.login(user)
        assert client.get(f"/communities/{cast.a.id}").status_code == 200


def test_a_refused_former_member_cannot_plan_or_enter_ballots(
    app, client, make, cast, members, world
):
    from voting.ballots.models import PaperEntry

    group = members(3)
    m = services()
    start(app, m.appoint_preparatory_group, cast.a.id, cast["office_a"], group.ids, group.ids)
    opened = world.open(cast.a.id)
    headers = api(make, group.users[0])
    paper = f"/api/v1/meetings/{opened.meeting_id}/paper-ballots"
    body = {"owner_key": "o1", "answers": {opened.matter_id: ["agree"]}}
    assert client.post(paper, json=body, headers=headers).status_code == 202
    record_elected(app, cast, members(3, 4).ids)
    from voting.meetings.models import Meeting

    before = world.count(Meeting)
    body = {
        "title": "会议",
        "opens_at": "2031-01-01T00:00:00Z",
        "closes_at": "2031-01-08T00:00:00Z",
        "matters": [{"title": "事项", "category": "ordinary", "kind": "motion"}],
    }
    response = client.post(f"/api/v1/communities/{cast.a.id}/meetings", json=body, headers=headers)
    assert response.status_code == 404
    assert world.count(Meeting) == before
    body["owner_key"] = "o2"
    assert client.post(paper, json=body, headers=headers).status_code == 404
    assert world.count(PaperEntry) == 1


def test_accounts_named_by_no_mandate_lose_their_scope(app, client, auth, cast, members):
    """Committee powers come from the current mandate: once the office recorded one, an
    account it does not name is refused; a community without mandates is unaffected."""
    m = services()
    group = members(3)
    start(app, m.appoint_preparatory_group, cast.a.id, cast["office_a"], group.ids, group.ids)
    record_elected(app, cast, members(3, 4).ids)
    auth.login(cast["committee_a"])
    assert client.get(f"/communities/{cast.a.id}").status_code == 404
    auth.login(cast["committee_b"])
    assert client.get(f"/communities/{cast.b.id}").status_code == 200


@pytest.mark.parametrize(
    ("kind", "size", "reps", "code"),
    [
        ("appoint_preparatory_group", 4, 2, "PREP_GROUP_EVEN"),
        ("appoint_preparatory_group", 3, 1, "PREP_GROUP_OWNER_REPS"),
        ("set_up_management_committee", 5, 3, "PMC_SIZE"),
        ("set_up_management_committee", 8, 4, "PMC_SIZE"),
        ("set_up_management_committee", 7, 3, "PMC_OWNER_REPS"),
        ("record_elected_committee", 2, 2, "SEATS_BELOW_MINIMUM"),
        ("record_elected_committee", 4, 4, "SEATS_EVEN"),
    ],
)
def test_compositions_the_law_refuses(app, cast, members, world, kind, size, reps, code):
    people = members(size)
    service = getattr(services(), kind)
    args = (people.ids,) if kind == "record_elected_committee" else (people.ids, people.ids[:reps])
    with pytest.raises(SupervisionError) as refused:
        start(app, service, cast.a.id, cast["office_a"], *args, term_ends_on=term())
    assert code in [p.code for p in refused.value.problems]
    assert world.count(CommitteeMandate) == 0


def test_a_management_committee_of_seven_with_four_owner_reps(app, cast, members, world):
    people = members(7)
    mid = start(
        app,
        services().set_up_management_committee,
        cast.a.id,
        cast["office_a"],
        people.ids,
        people.ids[:4],
    )
    with app.app_context():
        mandate = db.session.get(CommitteeMandate, mid)
        assert mandate.kind == "management_committee" and len(mandate.owner_reps) == 4
        assert db.session.get(Community, cast.a.id).committee_kind == "management_committee"


def test_refusals_leave_nothing_behind(app, cast, members, world, make):
    m = services()
    people = members(3)
    stranger = make.user("committee", "elsewhere", community=cast.b)
    attempts = [
        (m.appoint_preparatory_group, cast["committee_a"], (people.ids, people.ids), {}, 403),
        (m.appoint_preparatory_group, cast["office_b"], (people.ids, people.ids), {}, 403),
        (m.appoint_preparatory_group, cast["admin"], (people.ids, people.ids), {}, 403),
        (
            m.appoint_preparatory_group,
            cast["office_a"],
            ([*people.ids[:2], stranger.id], people.ids[:2]),
            {},
            422,
        ),
        (m.appoint_preparatory_group, cast["office_a"], (people.ids, [stranger.id]), {}, 422),
        (m.appoint_preparatory_group, cast["office_a"], ([], []), {}, 422),
        (m.appoint_preparatory_group, cast["office_a"], ("1,2,3", []), {}, 422),
        (m.record_elected_committee, cast["office_a"], (people.ids,), {}, 422),
        (
            m.record_elected_committee,
            cast["office_a"],
            (people.ids,),
            {"term_ends_on": term(365 * 6)},
            422,
        ),
        (
            m.record_elected_committee,
            cast["office_a"],
            (people.ids,),
            {"term_ends_on": term(), "meeting_id": 999},
            422,
        ),
    ]
    events = world.count(AuditEvent)
    for service, user, args, kwargs, status in attempts:
        with pytest.raises(SupervisionError) as refused:
            start(app, service, cast.a.id, user, *args, **kwargs)
        assert refused.value.status == status, (service.__name__, user.username)
    assert world.count(CommitteeMandate) == 0 and world.count(AuditEvent) == events
    with app.app_context():
        assert db.session.get(Community, cast.a.id).committee_kind == "owners_committee"


def test_an_elected_committee_is_not_replaced_by_a_group(app, cast, members, world):
    m = services()
    record_elected(app, cast, members(3).ids)
    people = members(3, 4)
    with pytest.raises(SupervisionError) as refused:
        start(app, m.appoint_preparatory_group, cast.a.id, cast["office_a"], people.ids, people.ids)
    assert refused.value.status == 409 and world.count(CommitteeMandate) == 1


def test_ending_a_mandate_ends_its_members_powers(app, client, auth, cast, members, world):
    m = services()
    group = members(3)
    mid = start(app, m.appoint_preparatory_group, cast.a.id, cast["office_a"], group.ids, group.ids)
    from voting.auth.models import User

    def end(reason, user):
        with app.app_context():
            mandate = db.session.get(CommitteeMandate, mid)
            m.end_mandate(mandate, db.session.get(User, user.id), reason)
            db.session.commit()

    for reason, user, status in (("", cast["office_a"], 422), ("解散", cast["office_b"], 403)):
        with pytest.raises(SupervisionError) as refused:
            end(reason, user)
        assert refused.value.status == status
    auth.login(group.users[1])
    assert client.get(f"/communities/{cast.a.id}").status_code == 200
    end("筹备组工作结束", cast["office_a"])
    assert client.get(f"/communities/{cast.a.id}").status_code == 404
    with pytest.raises(SupervisionError):
        end("again", cast["office_a"])


def _published_election(app, world, cast, seats: int, names: list[str], winners: int) -> int:
    """A meeting of community A whose final published result elected the first ``winners``
    of the candidates ``names`` (option ids "1", "2", ...) to ``seats`` seats."""
    from voting.meetings.models import Meeting
    from voting.results.models import Result

    meeting_id = world.plan(cast.a.id, state="draft")
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        options = [{"id": str(i), "label": name} for i, name in enumerate(names, 1)]
        document = {
            "matters": [
                {"id": "1", "kind": "election", "seats": seats, "options": options,
                 "outcome": {"status": "elected",
                             "winners": [o["id"] for o in options[:winners]]}}
            ]
        }  # fmt: skip
        now = utcnow()
        meeting.submitted_at = meeting.approved_at = meeting.announced_at = now
        meeting.opened_at = meeting.closed_at = meeting.tallied_at = meeting.published_at = now
        db.session.add(
            Result(
                meeting_id=meeting.id,
                community_id=cast.a.id,
                version=1,
                document=document,
                document_hash="0" * 64,
                signatures=[],
                board_json="{}",
                entries=0,
                merkle_root="0" * 64,
                published_at=now,
                published_by="user:x",
                published_seq=1,
            )
        )
        db.session.commit()
    return meeting_id


def test_a_committee_recorded_from_the_published_election(app, cast, members, world):
    meeting_id = _published_election(app, world, cast, 3, ["m1", "m2", "m3", "m4"], 3)
    mid = start(
        app,
        services().record_elected_committee,
        cast.a.id,
        cast["office_a"],
        members(3).ids,
        term_ends_on=term(),
        meeting_id=meeting_id,
    )
    with app.app_context():
        assert db.session.get(CommitteeMandate, mid).meeting_id == meeting_id
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "mandate.recorded"))
        assert event.data["meeting_id"] == meeting_id


def test_six_elected_to_seven_seats_are_recorded_with_one_seat_vacant(
    app, client, auth, cast, members, world
):
    names = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]
    meeting_id = _published_election(app, world, cast, 7, names, 6)
    elected = members(6)
    mid = start(app, services().record_elected_committee, cast.a.id, cast["office_a"],
                elected.ids, term_ends_on=term(), meeting_id=meeting_id)  # fmt: skip
    with app.app_context():
        mandate = db.session.get(CommitteeMandate, mid)
        assert (mandate.seats, mandate.vacant) == (7, 1)
        assert [e["label"] for e in mandate.elected] == names[:6]
        assert [e["user_id"] for e in mandate.elected] == elected.ids
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.type == "mandate.recorded"))
        assert (event.data["seats"], event.data["vacant"]) == (7, 1)
    auth.login(cast["office_a"])
    page = client.get(f"/communities/{cast.a.id}/supervision").get_data(as_text=True)
    assert "应选 7 名，当选 6 名" in page and "空缺 1 席，待补选" in page


def test_accounts_that_were_not_elected_are_refused(app, cast, members, world):
    names = ["m1", "m2", "m3", "m4", "m5", "m6"]
    meeting_id = _published_election(app, world, cast, 5, names, 5)
    accounts = members(6)
    m = services()
    # m6 stood but was not elected; an account named by no candidate is refused too.
    for ids, candidates in (
        (accounts.ids[1:], None),
        (accounts.ids[:5], {"1": accounts.ids[0], "2": accounts.ids[1], "3": accounts.ids[2],
                            "4": accounts.ids[3], "6": accounts.ids[4]}),
        (accounts.ids[:4], None),
    ):  # fmt: skip
        with pytest.raises(SupervisionError) as caught:
            start(app, m.record_elected_committee, cast.a.id, cast["office_a"], ids,
                  term_ends_on=term(), meeting_id=meeting_id, candidates=candidates)  # fmt: skip
        assert caught.value.code in ("NOT_ELECTED", "WINNER_UNLINKED")
    with app.app_context():
        assert db.session.scalar(select(CommitteeMandate)) is None
    # Linked explicitly, whatever the accounts are called.
    links = {str(i): uid for i, uid in enumerate(accounts.ids[:5], 1)}
    mid = start(app, m.record_elected_committee, cast.a.id, cast["office_a"], accounts.ids[:5],
                term_ends_on=term(), meeting_id=meeting_id, candidates=links)  # fmt: skip
    with app.app_context():
        assert db.session.get(CommitteeMandate, mid).vacant == 0


def test_two_offices_appointing_at_once_leave_one_current_mandate(
    app, cast, members, world, monkeypatch
):
    """The second appointment waits for the first and replaces it; without the lock both
    would read "no current mandate" and both become current."""
    import threading

    import voting.supervision.mandates as module
    from voting.auth.models import User

    first, second = members(3), members(3, start=4)
    officers = [cast["office_a"], cast.make.user("office", "office-a2", office=cast.office_a)]
    barrier = threading.Barrier(2, timeout=2)
    reading = module.current_mandate

    def current_then_wait(community_id):
        found = reading(community_id)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other appointment is held at the lock: go on alone
        return found

    monkeypatch.setattr(module, "current_mandate", current_then_wait)
    errors = []

    def appoint(officer, group):
        try:
            with app.test_request_context("/", method="POST"):
                community = db.session.get(Community, cast.a.id)
                user = db.session.get(User, officer.id)
                module.appoint_preparatory_group(community, user, group.ids, group.ids)
                db.session.commit()
        except Exception as error:  # reported below, with the thread's failure
            errors.append(error)

    threads = [
        threading.Thread(target=appoint, args=pair)
        for pair in zip(officers, (first, second), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert world.count(CommitteeMandate) == 2
    assert world.count(CommitteeMandate, CommitteeMandate.ended_at.is_(None)) == 1
