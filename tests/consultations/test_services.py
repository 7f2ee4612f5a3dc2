"""Planning and opening a consultation: the participant list from the current roster, tokens
kept only as hashes, state from timestamps, questions and documents checked, all logged."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.consultations.conftest import AREAS, CHECKS
from voting.audit.models import AuditEvent
from voting.consultations import services
from voting.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationParticipant,
    ConsultationQuestion,
)
from voting.consultations.participation import participant_for_token
from voting.consultations.tokens import participant_token
from voting.crypto.tokens import token_hash
from voting.db import db, utcnow
from voting.rosters.models import Community

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _events(community_id: int, prefix: str = "consultation.") -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.community_id == community_id, AuditEvent.type.startswith(prefix))
            .order_by(AuditEvent.seq)
        )
    )


def test_opening_builds_one_participant_per_person_of_the_current_roster(app, community, topics):
    topic = topics.make(community)
    rows = topics.participants(topic)
    assert len(rows) == 7  # roster-small: 7 persons with parking included
    assert sum(r.area for r in rows) == 81380
    assert sum(1 for r in rows if r.can_take_part) == 6
    unknown = [r for r in rows if not r.can_take_part]
    assert [r.units for r in unknown] == [[["2号楼", "202"]]]
    assert unknown[0].token_hash is None
    for unit, area in AREAS.items():
        person = topics.participant(topic, *unit)
        assert person.area == area, unit
        assert person.needs_check == (CHECKS[unit] is not None), unit
    chen = topics.participant(topic, "地下车库", "B1-001")
    assert chen.units == [["1号楼", "201"], ["地下车库", "B1-001"]]
    couple = topics.participant(topic, "1号楼", "202")
    assert couple.display_name == "李*、王*（代表 李*）"


def test_tokens_are_long_stored_only_as_hashes_and_reprintable(app, community, topics):
    topic = topics.make(community)
    token = topic.token("1号楼", "101")
    assert len(token) >= 26  # 160 bits in URL-safe base64
    with app.app_context():
        rows = list(db.session.scalars(select(ConsultationParticipant)))
        stored = {
            str(getattr(r, c.name)) for r in rows for c in ConsultationParticipant.__table__.c
        }
        assert not any(token in value for value in stored)
        person = participant_for_token(token)
        assert person.units == [["1号楼", "101"], ["1号楼", "102"]]
        assert person.token_hash == token_hash(token)
        # Derived again (a reprinted letter) it is the same token.
        assert participant_token(topic.id, person.person_key) == token
        assert participant_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert len(set(topic.tokens.values())) == len(topic.tokens)


def test_participant_list_follows_the_parking_policy(app, make, topics):
    community = make.community(parking_policy="exclude_entirely", name="排除车位小区")
    topic = topics.make(community)
    rows = topics.participants(topic)
    assert (len(rows), sum(r.area for r in rows)) == (6, 78880)
    with app.app_context():
        assert db.session.get(Consultation, topic.id).procedure["parking_policy"] == (
            "exclude_entirely"
        )


def test_state_comes_from_timestamps(app, community, topics):
    draft = topics.make(community, open_=False)
    topic = topics.make(community)
    with app.app_context():
        assert db.session.get(Consultation, draft.id).state == "draft"
        assert db.session.get(Consultation, topic.id).state == "open"
    topics.close(topic)
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        assert consultation.state == "closed"
        with pytest.raises(services.ConsultationError):
            services.close_consultation(consultation)


def test_open_and_close_are_logged(app, community, topics):
    topic = topics.make(community)
    with app.app_context():
        consultation = db.session.get(Consultation, topic.id)
        services.close_consultation(consultation)
        db.session.commit()
        types = [e.type for e in _events(community.id)]
        opened = next(e for e in _events(community.id) if e.type == "consultation.opened")
    assert types[0] == "consultation.created"
    assert types.count("consultation.question_added") == 3
    assert types[-2:] == ["consultation.opened", "consultation.closed"]
    assert opened.data["participants"] == 7 and opened.data["area"] == 81380


def test_opening_needs_a_roster_and_a_future_deadline(app, make, topics):
    empty = make.community(roster=None, name="空小区")
    with app.app_context():
        community = db.session.get(Community, empty.id)
        consultation = services.create_consultation(community, "议题", utcnow() + timedelta(1))
        with pytest.raises(services.ConsultationError, match="花名册为空"):
            services.open_consultation(consultation)
        consultation.deadline = utcnow() - timedelta(minutes=1)
        with pytest.raises(services.ConsultationError, match="截止时间已过"):
            services.open_consultation(consultation)
        assert consultation.opened_at is None
        with pytest.raises(services.ConsultationError, match="截止时间必须晚于现在"):
            services.create_consultation(community, "议题", utcnow() - timedelta(1))
        with pytest.raises(services.ConsultationError, match="标题"):
            services.create_consultation(community, " \x00 ", utcnow() + timedelta(1))


def test_questions_are_checked_and_frozen_once_open(app, community, topics):
    draft = topics.make(community, open_=False, questions=False)
    with app.app_context():
        consultation = db.session.get(Consultation, draft.id)
        for kind, options, limit in (
            ("single", ["只有一个"], None),
            ("single", ["同", "同"], None),
            ("multiple", ["a", "b"], 3),
            ("ranking", ["a", "b"], None),
        ):
            with pytest.raises(services.ConsultationError):
                services.add_question(consultation, "问题", kind, options, limit)
        scale = services.add_question(consultation, "打分", "scale", ["ignored"])
        assert [o.code for o in scale.options] == ["1", "2", "3", "4", "5"]
        first = services.add_question(consultation, "选一个", "single", ["甲", " 乙 ", ""])
        assert [o.label for o in first.options] == ["甲", "乙"]
        services.remove_question(consultation, scale)
        again = services.add_question(consultation, "再打分", "scale")
        assert len({q.code for q in consultation.questions}) == 2 and again.code != first.code
        services.open_consultation(consultation)
        with pytest.raises(services.ConsultationError, match="征求意见中"):
            services.add_question(consultation, "晚了", "scale")
        with pytest.raises(services.ConsultationError):
            services.remove_question(consultation, first)
        with pytest.raises(services.ConsultationError):
            services.update_consultation(consultation, "新标题", "", utcnow() + timedelta(2))
        db.session.commit()
        assert db.session.scalar(select(func.count(ConsultationQuestion.id))) == 2


def test_documents_are_checked_by_their_bytes_and_size(app, community, topics):
    draft = topics.make(community, open_=False, questions=False)
    with app.app_context():
        consultation = db.session.get(Consultation, draft.id)
        document = services.add_document(consultation, "C:\\plans\\方案.pdf", PDF)
        assert (document.file_name, document.content_type) == ("方案.pdf", "application/pdf")
        with pytest.raises(services.ConsultationError, match="PDF"):
            services.add_document(consultation, "fake.pdf", b"<html><script>alert(1)</script>")
        with pytest.raises(services.ConsultationError, match="10 MB"):
            services.add_document(consultation, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
        with pytest.raises(services.ConsultationError):
            services.add_document(consultation, "empty.pdf", b"")
        db.session.commit()
        assert db.session.scalar(select(func.count(ConsultationDocument.id))) == 1
