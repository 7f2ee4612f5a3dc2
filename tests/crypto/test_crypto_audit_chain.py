"""The audit chain of FORMATS section 5: any edit, drop, reorder or insertion is found."""

import copy
import hashlib

import pytest
import rfc8785

from voting.crypto.audit import GENESIS, event_hash, verify_chain

FIELDS = ("seq", "at", "type", "actor", "data", "prev", "hash")


def seal(event: dict) -> dict:
    """Set the event's hash, computed here independently of voting.crypto."""
    body = {key: value for key, value in event.items() if key != "hash"}
    return {**event, "hash": hashlib.sha256(rfc8785.dumps(body)).hexdigest()}


def rechain(events: list[dict]) -> list[dict]:
    """Renumber and re-link events as a forger rewriting the whole log would."""
    out, prev = [], GENESIS
    for seq, event in enumerate(events, start=1):
        sealed = seal({**event, "seq": seq, "prev": prev})
        out.append(sealed)
        prev = sealed["hash"]
    return out


def make_chain(n: int) -> list[dict]:
    events = [
        {
            "seq": 0,
            "at": f"2024-06-{1 + i // 24:02d}T{i % 24:02d}:00:00Z",
            "type": "ballot.cast" if i % 3 else "roster.import",
            "actor": "committee:张伟" if i % 2 else "resident",
            "data": {"receipt": f"{i:032x}", "楼栋": str(i % 5), "units": i},
            "prev": "",
        }
        for i in range(n)
    ]
    return rechain(events)


def tampered(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1:] != "0" else "1")
    return {**value, "extra": 1}


@pytest.fixture
def chain():
    return make_chain(6)


def test_sound_chain(chain):
    assert verify_chain(chain) == []
    assert verify_chain(chain, head=chain[-1]["hash"], seq=6) == []
    assert verify_chain([]) == []
    assert chain[0]["prev"] == GENESIS == "0" * 64


def test_event_hash_leaves_out_the_hash_member(chain):
    for event in chain:
        assert event_hash(event) == event["hash"]
        assert event_hash({k: v for k, v in event.items() if k != "hash"}) == event["hash"]


def test_checks_up_to_the_named_event_and_allows_later_ones(chain):
    assert verify_chain(chain, head=chain[3]["hash"], seq=4) == []
    assert verify_chain(chain, seq=4) == []
    assert verify_chain(chain, head=chain[3]["hash"]) == []
    broken_later = copy.deepcopy(chain)
    broken_later[5]["data"]["units"] = 99
    assert verify_chain(broken_later, head=chain[3]["hash"], seq=4) == []
    assert verify_chain(broken_later)[0].startswith("event 6 ")


@pytest.mark.parametrize("position", range(6))
@pytest.mark.parametrize("field", FIELDS)
def test_any_edit_of_any_field_is_found(chain, position, field):
    chain[position][field] = tampered(chain[position][field])
    problems = verify_chain(chain, head=chain[-1]["hash"], seq=6)
    assert problems
    assert problems[0].startswith(f"event {chain[position]['seq']} ")


@pytest.mark.parametrize("position", range(5))
def test_dropped_event_is_found(chain, position):
    del chain[position]
    problems = verify_chain(chain)
    assert problems[0].startswith(f"event {position + 2} "), problems


def test_dropped_last_event_is_found_through_the_head(chain):
    head = chain[-1]["hash"]
    del chain[-1]
    assert verify_chain(chain) == []
    assert verify_chain(chain, head=head, seq=6) == [
        "event 6, which the result names, is not in the log"
    ]


@pytest.mark.parametrize("position", range(5))
def test_reordered_events_are_found(chain, position):
    chain[position], chain[position + 1] = chain[position + 1], chain[position]
    problems = verify_chain(chain)
    assert problems[0].startswith(f"event {position + 2} "), problems


@pytest.mark.parametrize("position", range(7))
def test_inserted_event_is_found(chain, position):
    before = chain[position - 1] if position else None
    forged = seal(
        {
            **chain[0],
            "seq": position + 1,
            "type": "ballot.cast",
            "prev": before["hash"] if before else GENESIS,
        }
    )
    chain.insert(position, forged)
    assert verify_chain(chain, head=chain[-1]["hash"], seq=6)


def test_rewritten_tail_is_found_only_through_the_head(chain):
    head = chain[-1]["hash"]
    chain[1]["data"] = {"receipt": "forged"}
    forged = rechain(chain)
    assert verify_chain(forged) == []
    assert verify_chain(forged, head=head, seq=6) == [
        f"event 6 has hash {forged[-1]['hash']!r}, but the result names {head}"
    ]


def test_wrong_head_for_present_event(chain):
    problems = verify_chain(chain, head="f" * 64, seq=3)
    assert problems == [f"event 3 has hash {chain[2]['hash']!r}, but the result names {'f' * 64}"]
    assert verify_chain(chain, head="f" * 64) == [
        f"an event with hash {'f' * 64}, which the result names, is not in the log"
    ]


@pytest.mark.parametrize(
    "events",
    [
        [None],
        [[1, 2]],
        ["event"],
        [{"seq": 1}],
        [{"seq": "1", "at": "", "type": "", "actor": "", "data": {}, "prev": GENESIS, "hash": ""}],
        [{"seq": True, "at": "", "type": "", "actor": "", "data": {}, "prev": GENESIS, "hash": ""}],
        [{"seq": 1, "at": 1.5, "type": "", "actor": "", "data": {}, "prev": GENESIS, "hash": ""}],
        [{"seq": 1, "at": "", "type": "", "actor": "", "data": {}, "prev": None, "hash": None}],
    ],
)
def test_hostile_events_give_problems_not_exceptions(events):
    problems = verify_chain(events, head="0" * 64, seq=1)
    assert problems and problems[0].startswith("event ")
