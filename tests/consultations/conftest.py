"""Fixtures of the consultation tests: a community with roster-small, staff of every role, and
topics in each state, made through the services in app contexts of their own.

roster-small (parking included) holds 7 persons: 刘芳 (1号楼 101+102, 180.00 m², ID ends 0021,
phone ends 0001), 陈伟 (1号楼 201 + 地下车库 B1-001, 112.50, ID ends 0315), 王静、李强
(1号楼 202, 100.00, no ID or phone), 赵敏 (2号楼 101, 120.30, phone ends 0002), the
developer (2号楼 102+201, 200.00), 2号楼 202 (88.50, owner unknown: cannot take part) and
孙丽 (地下车库 B1-002, 12.50, phone ends 0003): 813.80 m² in all.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from voting.consultations import services
from voting.consultations.models import Consultation, ConsultationParticipant
from voting.consultations.participation import find_participant
from voting.consultations.tokens import participant_token
from voting.db import db, utcnow
from voting.rosters.models import Community

#: (building, unit) -> last four characters that confirm the owner, or None.
CHECKS = {
    ("1号楼", "101"): "0021",
    ("1号楼", "201"): "0315",
    ("1号楼", "202"): None,
    ("2号楼", "101"): "0002",
    ("2号楼", "102"): None,
    ("地下车库", "B1-002"): "0003",
}
AREAS = {
    ("1号楼", "101"): 18000,
    ("1号楼", "201"): 11250,
    ("1号楼", "202"): 10000,
    ("2号楼", "101"): 12030,
    ("2号楼", "102"): 20000,
    ("地下车库", "B1-002"): 1250,
}


@dataclass
class Topic:
    """A consultation made for a test, with what the test needs to reach it."""

    id: int
    community_id: int
    question_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def url(self, suffix: str = "") -> str:
        return f"/communities/{self.community_id}/consultations/{self.id}{suffix}"

    def token(self, building: str, unit: str) -> str:
        return self.tokens[(building, unit)]


class Topics:
    """Makes consultations: drafts, open ones with questions, closed ones."""

    def __init__(self, app):
        self.app = app

    def make(
        self,
        community,
        *,
        open_: bool = True,
        questions: bool = True,
        title: str = "电动车充电桩选址",
        days: int = 7,
    ) -> Topic:
        with self.app.app_context():
            row = db.session.get(Community, community.id)
            consultation = services.create_consultation(
                row,
                title,
                utcnow() + timedelta(days=days),
                body="方案一：北门；方案二：南门。\n请大家发表意见。",
            )
            topic = Topic(consultation.id, community.id)
            if questions:
                for title_, kind, options, limit in (
                    ("充电桩建在哪里？", "single", ["北门", "南门", "不建"], None),
                    ("希望的收费方式", "multiple", ["按度", "按时", "包月", "免费"], 2),
                    ("您对目前停车秩序的评价", "scale", None, None),
                ):
                    q = services.add_question(consultation, title_, kind, options, limit)
                    topic.question_ids[q.code] = q.id
            if open_:
                services.open_consultation(consultation)
                for unit in CHECKS:
                    person = find_participant(consultation, *unit)
                    if person is not None:  # parking may be left out by the policy
                        topic.tokens[unit] = participant_token(consultation.id, person.person_key)
            db.session.commit()
        return topic

    def close(self, topic: Topic) -> None:
        """Move the deadline into the past (as time passing would)."""
        with self.app.app_context():
            consultation = db.session.get(Consultation, topic.id)
            consultation.deadline = utcnow() - timedelta(seconds=1)
            db.session.commit()

    def participant(self, topic: Topic, building: str, unit: str) -> ConsultationParticipant:
        with self.app.app_context():
            consultation = db.session.get(Consultation, topic.id)
            return find_participant(consultation, building, unit)

    def participants(self, topic: Topic) -> list[ConsultationParticipant]:
        with self.app.app_context():
            return list(
                db.session.scalars(
                    select(ConsultationParticipant).where(
                        ConsultationParticipant.consultation_id == topic.id
                    )
                )
            )


@pytest.fixture
def topics(app):
    return Topics(app)


@pytest.fixture
def other_community(make):
    """A community of another office, with its own committee."""
    return make.community(office=make.office("花园路街道办事处"), name="紫荆园")


@pytest.fixture
def committee(make, community):
    return make.user("committee", community=community)


@pytest.fixture
def office_user(make, community):
    return make.user("office", office=community.office)


@pytest.fixture
def admin(make):
    return make.user("admin", username="admin")


def verify(client, topic: Topic, building: str, unit: str):
    """Open the owner's personal link and confirm identity when the roster allows it."""
    token = topic.token(building, unit)
    last4 = CHECKS[(building, unit)]
    if last4 is not None:
        response = client.post(f"/c/{token}/verify", data={"last4": last4})
        assert response.status_code == 302, response.get_data(as_text=True)
    return token
