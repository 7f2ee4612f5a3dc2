"""Property tests: the tally against a slow Fraction count, and invariances the law implies."""

import random
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from voting.rules import (
    MatterSpec,
    Procedure,
    RosterTotals,
    UnitRecord,
    build_persons,
    lot_ticket,
    matters_from_board,
    roster_totals,
    tally_matter,
)
from voting.rules.numbers import fmt_area

FAST = settings(max_examples=200, deadline=None, database=None)
HALF, TWO_THIRDS, THREE_QUARTERS = F(1, 2), F(2, 3), F(3, 4)


@st.composite
def contests(draw):
    """A matter, a roster of persons' areas, and each person's answer or None."""
    kind = draw(st.sampled_from(["motion", "selection", "election"]))
    if kind == "motion":
        options, seats = ("agree", "disagree"), 1
    else:
        n = draw(st.integers(2, 6))
        options = tuple(f"c{i}" for i in range(n))
        seats = draw(st.integers(1, n)) if kind == "election" else 1
    spec = MatterSpec(
        "m",
        draw(st.sampled_from(["ordinary", "special"])),
        kind,
        options,
        seats=seats,
        alternates=draw(st.integers(0, 3)) if kind == "election" else 0,
        minimum=draw(st.integers(0, seats)) if kind == "election" else 0,
        lot_seed=draw(st.none() | st.text("abc", min_size=1, max_size=4)),
    )
    # Small areas and few people make exact ties and boundary cases common. Each person is
    # one integer: 0 did not answer, 1 invalid, else 2 + a bitmask of the options chosen
    # (any number for elections, so over-votes occur; at most one otherwise).
    sizes = st.sampled_from([0, 1, 2, 3, 100, 150, 10001])
    codes = st.integers(0, 1 + (2 ** len(options) if kind == "election" else len(options) + 1))
    people = draw(st.lists(st.tuples(sizes, codes), min_size=1, max_size=10))
    areas = [area for area, _ in people]
    answers = [decode(code, options, kind) for _, code in people]
    proc = Procedure(
        parking_policy="include",
        invalid_counts_as_participation=draw(st.booleans()),
        ranking_rule=draw(st.sampled_from(["HEAD_THEN_AREA", "AREA_THEN_HEAD", "SUM_OF_RATIOS"])),
        tie_resolution=draw(st.sampled_from(["runoff", "lot"])),
    )
    return spec, areas, answers, proc


def decode(code, options, kind):
    """The answer a person's integer stands for (see contests)."""
    if code < 2:
        return None if code == 0 else "invalid"
    if kind != "election":
        return [] if code == 2 else [options[code - 3]]
    return [o for i, o in enumerate(options) if (code - 2) >> i & 1]


def run(spec, areas, answers, proc, extra_heads=0, extra_area=0):
    heads = len(areas) + extra_heads
    totals = RosterTotals(heads, heads, sum(areas) + extra_area)
    votes = [(a, 1, ans) for a, ans in zip(areas, answers, strict=True) if ans is not None]
    return tally_matter(spec, totals, votes, proc)


def ratio(num, den):
    return F(num, den) if den else None


def reference(spec, areas, answers, proc):
    """The law read directly, with Fractions; returns the figures and the outcome."""
    over = [a is not None and a != "invalid" and len(a) > spec.seats for a in answers]
    ballots = [(ar, "invalid" if o else a) for ar, a, o in zip(areas, answers, over, strict=True)]
    ballots = [(ar, a) for ar, a in ballots if a is not None]
    counts_invalid = proc.invalid_counts_as_participation
    taking_part = [(ar, a) for ar, a in ballots if a != "invalid" or counts_invalid]
    p_area, p_head = sum(ar for ar, _ in taking_part), len(taking_part)
    t_area, t_head = sum(areas), len(areas)
    quorum = (
        p_head > 0
        and (t_area == 0 or F(p_area, t_area) >= TWO_THIRDS)
        and F(p_head, t_head) >= TWO_THIRDS
    )
    support = {}
    for option in spec.option_ids:
        a_area = sum(ar for ar, a in ballots if a != "invalid" and option in a)
        a_head = sum(1 for _, a in ballots if a != "invalid" and option in a)
        shares = (ratio(a_area, p_area), ratio(a_head, p_head))
        if spec.category == "ordinary":
            approved = all(s is not None and s > HALF for s in shares)
        else:
            approved = all(s is not None and s >= THREE_QUARTERS for s in shares)
        support[option] = (a_area, a_head, quorum and approved)
    outcome = reference_outcome(spec, proc, support, p_area, p_head, quorum)
    return p_area, p_head, support, quorum, outcome


def reference_outcome(spec, proc, support, p_area, p_head, quorum):
    passing = [o for o in spec.option_ids if support[o][2]]
    if not quorum:
        return "no_quorum", [], [], False
    if spec.kind == "motion":
        if "agree" in passing:
            return "passed", ["agree"], [], False
        return "rejected", [], [], False
    if spec.kind == "selection":
        if len(passing) == 1:
            return "selected", passing, [], False
        return "no_decision", [], [], False

    def key(o):
        a_area, a_head, _ = support[o]
        return {
            "HEAD_THEN_AREA": (a_head, a_area),
            "AREA_THEN_HEAD": (a_area, a_head),
            "SUM_OF_RATIOS": (F(a_head, p_head) + F(a_area, p_area),),
        }[proc.ranking_rule]

    lot = spec.lot_seed if proc.tie_resolution == "lot" else None
    index = spec.option_ids.index
    ranked = sorted(passing, key=lambda o: (key(o), -index(o)), reverse=True)

    def straddles(candidates, cap):
        return 0 < cap < len(candidates) and key(candidates[cap - 1]) == key(candidates[cap])

    def draw(candidates, cap):
        group = [o for o in candidates if key(o) == key(candidates[cap])]
        start = candidates.index(group[0])
        drawn = sorted(group, key=lambda o: lot_ticket(lot, o))
        return candidates[:start] + drawn + candidates[start + len(group) :]

    seats, alts, lot_used = spec.seats, spec.alternates, False
    if straddles(ranked, seats):
        if lot is None:
            above = [o for o in ranked if key(o) > key(ranked[seats])]
            return "tie_unresolved", above, [], False
        ranked, lot_used = draw(ranked, seats), True
    winners, rest = ranked[:seats], ranked[seats:]
    if not winners or len(winners) < spec.minimum:
        return "committee_not_formed", winners, [], lot_used
    if straddles(rest, alts):
        if lot is None:
            above = [o for o in rest if key(o) > key(rest[alts])]
            return "tie_unresolved", winners, above, lot_used
        rest, lot_used = draw(rest, alts), True
    return "elected", winners, rest[:alts], lot_used


@FAST
@given(contests())
def test_tally_equals_the_reference_count(contest):
    spec, areas, answers, proc = contest
    result = run(spec, areas, answers, proc)
    p_area, p_head, support, quorum, outcome = reference(*contest)
    assert (result.p_area, result.p_head, result.quorum_met) == (p_area, p_head, quorum)
    assert {o.id: (o.area, o.head, o.passed) for o in result.options} == support
    assert (result.status, list(result.winners), list(result.alternates), result.lot_used) == (
        outcome
    )


@FAST
@given(contests(), st.integers(0, 2**32))
def test_ballot_order_does_not_change_the_outcome(contest, seed):
    spec, areas, answers, proc = contest
    order = list(range(len(areas)))
    random.Random(seed).shuffle(order)
    shuffled = run(spec, [areas[i] for i in order], [answers[i] for i in order], proc)
    assert shuffled == run(spec, areas, answers, proc)


@FAST
@given(contests(), st.sampled_from([1, 100, 10001]))
def test_an_agreeing_newcomer_never_defeats_a_passed_motion(contest, area):
    spec, areas, answers, proc = contest
    spec = MatterSpec("m", spec.category, "motion", ("agree", "disagree"))
    answers = [a if a in (None, "invalid", []) else ["agree"] for a in answers]
    before = run(spec, areas + [area], answers + [None], proc)
    after = run(spec, areas + [area], answers + [["agree"]], proc)
    if before.status == "passed":
        assert after.status == "passed"


@FAST
@given(contests(), st.integers(1, 6), st.integers(0, 30000))
def test_quorum_uses_the_roster_and_approval_only_participants(contest, heads, area):
    spec, areas, answers, proc = contest
    small = run(spec, areas, answers, proc)
    large = run(spec, areas, answers, proc, extra_heads=heads, extra_area=area)
    strip = [(o.id, o.area, o.head) for o in small.options]
    assert [(o.id, o.area, o.head) for o in large.options] == strip
    assert (large.p_area, large.p_head) == (small.p_area, small.p_head)
    assert small.quorum_met or not large.quorum_met
    if large.quorum_met:
        assert large.options == small.options
        assert (large.status, large.winners, large.alternates) == (
            small.status,
            small.winners,
            small.alternates,
        )


@FAST
@given(contests())
def test_the_document_renders_the_same_count(contest):
    spec, areas, answers, proc = contest
    result = run(spec, areas, answers, proc)
    matter = {
        "id": "m",
        "title": "t",
        "category": spec.category,
        "kind": spec.kind,
        "seats": spec.seats,
        "alternates": spec.alternates,
        "minimum": spec.minimum,
        "options": [{"id": o, "label": o} for o in spec.option_ids],
        "outcome": {"lot_seed": spec.lot_seed},
    }
    entries = [
        {"receipt": f"r{i}", "channel": "paper", "area": fmt_area(a), "owners": 1, "answers": {}}
        | {"answers": {"m": ans}}
        for i, (a, ans) in enumerate(zip(areas, answers, strict=True))
        if ans is not None
    ]
    roster = {"units": len(areas), "owners": len(areas), "area": fmt_area(sum(areas))}
    [doc] = matters_from_board(proc.document_dict(), roster, [matter], entries)
    assert doc["participation"]["owners"] == result.p_head
    assert doc["participation"]["area"] == fmt_area(result.p_area)
    assert doc["participation"]["quorum_met"] == result.quorum_met
    assert [(t["id"], t["owners"], t["area"], t["passed"]) for t in doc["tally"]] == [
        (o.id, o.head, fmt_area(o.area), o.passed) for o in result.options
    ]
    assert doc["invalid"] == {"owners": result.invalid_head, "area": fmt_area(result.invalid_area)}
    assert doc["outcome"]["status"] == result.status
    assert doc["outcome"]["winners"] == list(result.winners)
    assert doc["outcome"]["alternates"] == list(result.alternates)
    assert ("lot_seed" in doc["outcome"]) == result.lot_used


# Each unit: (registered area or None, bitmask of owners a-f, bitmask of developer/parking).
unit_rows = st.lists(
    st.tuples(st.sampled_from([None, 0, 1, 150, 20000]), st.integers(0, 63), st.integers(0, 3)),
    max_size=20,
)


@FAST
@given(unit_rows, st.sampled_from(["include", "exclude_area_only", "exclude_entirely"]))
def test_persons_partition_the_counted_units(rows, policy):
    units = [
        UnitRecord(
            f"U{i}",
            area,
            None,
            100,
            frozenset(o for j, o in enumerate("abcdef") if owners >> j & 1),
            is_developer_held=bool(flags & 1),
            is_parking=bool(flags & 2),
        )
        for i, (area, owners, flags) in enumerate(rows)
    ]
    counted = [u for u in units if not (u.is_parking and policy == "exclude_entirely")]
    exact = build_persons(units, Procedure(parking_policy=policy))
    merge = Procedure(parking_policy=policy, owner_merge="merge_if_any_common_owner")
    merged = build_persons(units, merge)
    area_of = {
        u.id: 0 if u.is_parking and policy != "include" else u.registered_area for u in counted
    }
    area_of = {uid: 100 if area is None else area for uid, area in area_of.items()}
    for persons in (exact, merged):
        ids = [uid for p in persons for uid in p.unit_ids]
        assert sorted(ids) == sorted(u.id for u in counted)
        totals = roster_totals(persons)
        assert totals.area == sum(area_of.values())
        assert all(p.area == sum(area_of[i] for i in p.unit_ids) for p in persons)
    # Exact owner sets: one person per distinct set, per unknown-owner unit, and the developer.
    sets = {u.owners for u in counted if u.owners and not u.is_developer_held}
    unknown = [u for u in counted if not u.owners and not u.is_developer_held]
    developer = any(u.is_developer_held for u in counted)
    assert len(exact) == len(sets) + len(unknown) + developer
    assert len(merged) <= len(exact)
