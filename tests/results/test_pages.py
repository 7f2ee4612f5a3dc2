"""Public pages (no login) and the staff results page through the Flask client."""

import json
import re

from voting.db import db
from voting.results.services import countersign_result, publish_result


def test_pages_are_404_before_publication(client, cast):
    for path in ("", "/verify", "/participants", "/receipt", "/result.json", "/board.json",
                 "/audit.json"):  # fmt: skip
        assert client.get(f"/public/meetings/{cast.meeting_id}{path}").status_code == 404


def test_the_same_pages_answer_once_published(client, cast):
    """The 404s above come from the meeting's state, not from wrong addresses."""
    cast.run(publish_result)
    base = f"/public/meetings/{cast.meeting_id}"
    markers = {"": "业主大会表决结果公告", "/verify": "voting verify", "/participants": "1号楼 101"}
    for path, marker in markers.items():
        page = client.get(base + path)
        assert page.status_code == 200 and marker in page.get_data(as_text=True), path
    found = client.get(base + "/receipt", query_string={"receipt": cast.seeded.receipts[0]})
    assert found.status_code == 200 and "已列入公示的表决记录" in found.get_data(as_text=True)
    for name in ("result", "board", "audit"):
        download = client.get(f"{base}/{name}.json")
        assert download.status_code == 200, name
        assert json.loads(download.data), name


def test_announcement_shows_figures_rule_outcome_keys_and_qr(client, cast):
    result = cast.run(publish_result)
    page = client.get(f"/public/meetings/{cast.meeting_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "业主大会表决结果公告" in html
    assert result.signatures[0]["key_id"] in html
    assert "<svg" in html and "style=" not in html
    assert f"/public/meetings/{cast.meeting_id}/verify" in html
    # Participation 9 of 10 owners, 920.00 of 1000.00 m²; the motion passed.
    assert "9 / 10" in html and "920.00 / 1000.00" in html and "90.00%" in html
    assert re.search(r'<meter class="bar" min="0" max="10" value="9"', html)
    assert "本事项表决通过" in html
    assert "当选：候选人A、候选人B、候选人D" in html and "候补：候选人C" in html
    assert "选定：甲物业" in html
    assert "待街道办事处会签" in html or "等待街道办事处会签" in html


def test_participants_list_units_without_names_or_areas(client, cast):
    cast.run(publish_result)
    html = client.get(f"/public/meetings/{cast.meeting_id}/participants").get_data(as_text=True)
    units = re.findall(r"<td>(\d号楼 \d+)</td>", html)
    assert units == ["1号楼 101", "1号楼 102", "1号楼 201", "2号楼 101", "2号楼 102",
                     "2号楼 201", "3号楼 101", "3号楼 102", "3号楼 201"]  # fmt: skip
    assert "3号楼 202" not in html  # did not vote
    assert "王*" not in html and "160.00" not in html and "不公布各户面积" in html


def test_participants_show_areas_when_the_rules_say_so(client, results):
    cast = results.setup(procedure={"parking_policy": "include", "publish_unit_areas": True})
    cast.run(publish_result)
    html = client.get(f"/public/meetings/{cast.meeting_id}/participants").get_data(as_text=True)
    assert "160.00" in html and "规定公布面积" in html


def test_receipt_lookup_shows_choices_and_proof(client, cast):
    cast.run(publish_result)
    receipt = cast.seeded.receipts[6]  # 3号楼 101: agree, 乙物业, A B D
    spaced = " ".join(receipt[i : i + 4] for i in range(0, 32, 4)).upper()
    page = client.get(f"/public/meetings/{cast.meeting_id}/receipt",
                      query_string={"receipt": spaced, "proof": "1"})  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "已列入公示的表决记录" in html
    assert "乙物业" in html and "候选人A、候选人B、候选人D" in html
    assert "leaf " in html and "root " in html
    missing = client.get(f"/public/meetings/{cast.meeting_id}/receipt",
                         query_string={"receipt": "0" * 32})  # fmt: skip
    assert missing.status_code == 404 and "没有这个回执编号" in missing.get_data(as_text=True)
    bad = client.get(f"/public/meetings/{cast.meeting_id}/receipt", query_string={"receipt": "xyz"})
    assert bad.status_code == 422


def test_downloads_are_the_published_files(client, cast):
    result = cast.run(publish_result)
    got = client.get(f"/public/meetings/{cast.meeting_id}/result.json")
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    assert json.loads(got.data) == result.signed()
    board = json.loads(client.get(f"/public/meetings/{cast.meeting_id}/board.json").data)
    assert len(board["entries"]) == 9
    audit = json.loads(client.get(f"/public/meetings/{cast.meeting_id}/audit.json").data)
    assert audit["events"][-1]["type"] == "result.published"


def test_keys_page_and_community_listing(client, cast):
    result = cast.run(publish_result)
    html = client.get("/keys").get_data(as_text=True)
    assert result.signatures[0]["key_id"] in html and "生成或更换" not in html
    listing = client.get(f"/public/communities/{cast.community.id}").get_data(as_text=True)
    assert cast.seeded and "业主大会" in listing


def test_staff_page_publishes_and_office_countersigns(client, auth, cast):
    auth.login(cast.committee)
    page = client.get(f"/communities/{cast.community.id}/results")
    assert page.status_code == 200 and "签名并发布结果" in page.get_data(as_text=True)
    response = client.post(f"/results/meetings/{cast.meeting_id}/publish")
    assert response.status_code == 302
    assert client.get(f"/public/meetings/{cast.meeting_id}").status_code == 200
    auth.logout()
    auth.login(cast.officer)
    response = client.post(f"/results/meetings/{cast.meeting_id}/countersign")
    assert response.status_code == 302
    html = client.get(f"/public/meetings/{cast.meeting_id}").get_data(as_text=True)
    assert "街道办事处已于" in html


def test_staff_page_needs_login(client, cast):
    response = client.get(f"/communities/{cast.community.id}/results")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/results/meetings/{cast.meeting_id}/publish").status_code == 302


def test_committee_makes_and_rotates_its_key_from_the_keys_page(client, auth, cast):
    auth.login(cast.committee)
    assert "生成或更换签名密钥" in client.get("/keys").get_data(as_text=True)
    response = client.post("/results/keys")
    assert response.status_code == 302
    keys = client.get("/api/v1/keys").get_json()["keys"]
    mine = [k for k in keys if k["owner"] == {"kind": "community", "id": str(cast.community.id),
                                              "name": "观澜苑"}]  # fmt: skip
    assert len(mine) == 2 and mine[0]["retired_at"] and mine[1]["retired_at"] is None


def test_countersigned_page_after_service(client, cast):
    cast.run(publish_result)
    cast.run(countersign_result, user=cast.officer)
    verify_html = client.get(f"/public/meetings/{cast.meeting_id}/verify").get_data(as_text=True)
    assert "街道已会签" in verify_html and "voting verify result.json" in verify_html


def test_a_tie_decided_by_lot_is_explained_with_its_seed(client, results):
    from tests.results.test_verify_offline import TIE_VOTERS

    lots = {"parking_policy": "include", "tie_resolution": "lot"}
    cast = results.setup(voters=TIE_VOTERS, procedure=lots)
    result = cast.run(publish_result)
    html = client.get(f"/public/meetings/{cast.meeting_id}").get_data(as_text=True)
    assert f"已按种子 {result.merkle_root} 抽签决定" in html
    assert "候选人C、候选人D 排名相同" in html


def test_office_returns_and_committee_corrects_from_the_staff_page(app, client, auth, cast):
    cast.run(publish_result)
    auth.login(cast.officer)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "退回业主委员会更正" in page and "会签" in page
    empty = client.post(f"/results/meetings/{cast.meeting_id}/return", data={"reason": ""})
    assert empty.status_code == 302
    assert client.post(f"/results/meetings/{cast.meeting_id}/return",
                       data={"reason": "请核对2号楼面积"}).status_code == 302  # fmt: skip
    auth.logout()
    auth.login(cast.committee)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "已被街道退回：请核对2号楼面积" in page
    assert client.post(f"/results/meetings/{cast.meeting_id}/correct",
                       data={"reason": "已核对并更正"}).status_code == 302  # fmt: skip
    versions = client.get(f"/public/meetings/{cast.meeting_id}/verify").get_data(as_text=True)
    assert "已核对并更正" in versions and "退回理由：请核对2号楼面积" in versions
    assert (
        client.get(f"/api/v1/meetings/{cast.meeting_id}/result").get_json()["document"]["version"]
        == 2
    )


def test_the_close_preview_draws_lots_as_the_publication_does(app, client, auth, results):
    from tests.results.test_verify_offline import TIE_VOTERS
    from voting.meetings.models import Meeting
    from voting.meetings.services import tally_closed_meeting

    lots = {"parking_policy": "include", "tie_resolution": "lot"}
    cast = results.setup(voters=TIE_VOTERS, procedure=lots, state="closed")
    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        tally_closed_meeting(meeting)
        db.session.commit()
        preview = meeting.tally[2]["outcome"]
    assert preview["status"] == "elected" and preview["lot_seed"]
    auth.login(cast.committee)
    page = client.get(f"/meetings/{cast.meeting_id}/close").get_data(as_text=True)
    assert "票数相同，需再次表决或抽签" not in page
    assert f"已按种子 {preview['lot_seed']} 抽签决定" in page
    result = cast.run(publish_result)
    assert result.document["matters"][2]["outcome"] == preview


def test_the_preview_and_the_public_result_say_when_seats_stay_vacant(app, client, auth, results):
    from voting.meetings.models import Meeting
    from voting.meetings.services import tally_closed_meeting

    # TV-18's ballots with five seats: A, B, C and D pass, one seat stays empty.
    cast = results.setup(seats=5, state="closed")
    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        tally_closed_meeting(meeting)
        db.session.commit()
        outcome = meeting.tally[2]["outcome"]
    assert outcome["status"] == "elected" and len(outcome["winners"]) == 4
    auth.login(cast.committee)
    preview = client.get(f"/meetings/{cast.meeting_id}/close").get_data(as_text=True)
    assert "应选 5 名，当选 4 名，1 席空缺，需补选。" in preview
    cast.run(publish_result)
    public = client.get(f"/public/meetings/{cast.meeting_id}").get_data(as_text=True)
    assert "应选 5 名，当选 4 名，1 席空缺，需补选。" in public
    full = results.setup(name="满员小区")
    cast_full = full.run(publish_result)
    page = client.get(f"/public/meetings/{full.meeting_id}").get_data(as_text=True)
    assert cast_full.document["matters"][2]["outcome"]["status"] == "elected"
    assert "席空缺" not in page


def test_the_publication_deadline_is_tracked_for_the_committee_and_the_office(
    app, client, auth, cast
):
    from voting.meetings.models import Meeting
    from voting.supervision.anomalies import anomalies_for_meeting

    # Voting closed on Monday 2024-06-24 (Beijing): publish by Thursday 06-27, 24:00.
    auth.login(cast.committee)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "公布期限：2024-06-27 24:00 前" in page and "已逾期，尚未公布" in page
    auth.logout()
    auth.login(cast.officer)
    board = client.get(f"/supervision/offices/{cast.office.id}").get_data(as_text=True)
    assert 'data-testid="awaiting"' in board and "已逾期，尚未公布" in board
    with app.test_request_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        (overdue,) = [a for a in anomalies_for_meeting(meeting) if a.code.startswith("publ")]
        assert overdue.code == "publication_overdue" and overdue.counts["days"] > 800
    cast.run(publish_result)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "逾期公布" in page
    board = client.get(f"/supervision/offices/{cast.office.id}").get_data(as_text=True)
    assert 'data-testid="awaiting"' not in board
    with app.test_request_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        codes = [a.code for a in anomalies_for_meeting(meeting)]
        assert "publication_late" in codes and "publication_overdue" not in codes


def test_a_result_published_in_time_raises_no_anomaly(app, client, auth, results):
    from datetime import UTC, datetime

    from voting.meetings.models import Meeting
    from voting.results.deadline import publication_due
    from voting.supervision.anomalies import anomalies_for_meeting

    cast = results.setup()
    with app.app_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        meeting.closed_at = datetime.now(UTC)
        db.session.commit()
    cast.run(publish_result)
    with app.test_request_context():
        meeting = db.session.get(Meeting, cast.meeting_id)
        due = publication_due(meeting)
        assert due.published_at is not None and not due.late and not due.overdue
        assert not [a for a in anomalies_for_meeting(meeting) if a.code.startswith("publ")]
    auth.login(cast.committee)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "已按期公布" in page
