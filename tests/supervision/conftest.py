"""Fixtures of the supervision tests: two offices with a community each, and their staff."""

from dataclasses import dataclass

import pytest

from .support import World


@pytest.fixture
def world(app, make):
    return World(app, make)


class Cast:
    """Office A supervises community A, office B community B; users are made on first use."""

    def __init__(self, make, world):
        self.make, self.world = make, world
        self.office_a = make.office("望京街道办事处")
        self.office_b = make.office("酒仙桥街道办事处")
        self.a = world.community(self.office_a, "观澜苑")
        self.b = world.community(self.office_b, "东湖湾")
        self.users: dict = {}

    def __getitem__(self, name: str):
        if name not in self.users:
            self.users[name] = self._make(name)
        return self.users[name]

    def _make(self, name: str):
        make = self.make
        return {
            "admin": lambda: make.user("admin", "admin"),
            "office_a": lambda: make.user("office", "office-a", office=self.office_a),
            "office_b": lambda: make.user("office", "office-b", office=self.office_b),
            "committee_a": lambda: make.user("committee", "committee-a", community=self.a),
            "committee_b": lambda: make.user("committee", "committee-b", community=self.b),
        }[name]()


@pytest.fixture
def cast(make, world):
    return Cast(make, world)


@dataclass
class Members:
    """Committee accounts of community A made for a mandate."""

    users: list

    @property
    def ids(self) -> list[int]:
        return [u.id for u in self.users]


@pytest.fixture
def members(make, cast):
    """Make ``n`` committee accounts of community A (named m1, m2, ...)."""

    def build(n: int, start: int = 1) -> Members:
        return Members(
            [make.user("committee", f"m{i}", community=cast.a) for i in range(start, start + n)]
        )

    return build
