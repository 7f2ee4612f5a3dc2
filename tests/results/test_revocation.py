"""Revocation (DOMAIN.md 2.7 REVOKED): the community's own street office revokes a published
decision with its reason and a PDF; the signed revocation names the result by its hash, the
result stays verifiable and is shown as revoked, and ``voting verify`` reports it."""

import copy
import io
import json

import pytest
from sqlalchemy import func, select

from tests.conftest import bearer as _bearer
from voting.audit.models import AuditEvent
from voting.crypto.canonical import canonical
from voting.crypto.revocation import check_revocation
from voting.crypto.shape import Mismatch
from voting.crypto.verify import main as verify_main
from voting.crypto.verify import verify
from voting.db import db, utcnow
from voting.meetings.models import Meeting
from voting.results.models import Result, Revocation
from voting.results.revocation import revoke_result
from voting.results.services import (
    ResultError,
    correct_result,
    countersign_result,
    publish_result,
    return_result,
)
from voting.timeutil import SHANGHAI

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REASON = "表决期间业主名册未冻结，街道办事处依法撤销"


def _today() -> str:
    return utcnow().astimezone(SHANGHAI).date().isoformat()


def _revoke(cast, user=None, **changes):
    fields = {"authority": "office", "reason": REASON, "decided_on": _today(),
              "reference": "望街发〔2026〕12号", "file_name": "决定.pdf", "data": PDF}  # fmt: skip
    fields.update(changes)
    return cast.run(revoke_result, user=user or cast.officer, **fields)


def _state(app, meeting_id):
    with app.app_context():
        return (
            db.session.get(Meeting, meeting_id).state,
            db.session.scalar(select(func.count(Revocation.id))),
            db.session.scalar(select(func.count(AuditEvent.id))),
        )


@pytest.fixture
def countersigned(cast):
    cast.run(publish_result)
    cast.run(countersign_result, user=cast.officer)
    return cast


def _signed(app, meeting_id):
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.meeting_id == meeting_id))
        revocation = db.session.scalar(
            select(Revocation).where(Revocation.meeting_id == meeting_id)
        )
        return result.signed(), revocation.signed() if revocation else None


def test_the_office_revokes_a_countersigned_result_and_everything_says_so(app, countersigned):
    cast = countersigned
    revocation = _revoke(cast)
    assert _state(app, cast.meeting_id)[:2] == ("revoked", 1)
    rdoc = revocation.document
    assert rdoc["format"] == "gongyi-revocation/1"
    assert rdoc["authority"] == "office" and rdoc["reason"] == REASON
    assert rdoc["attachment"]["content_type"] == "application/pdf"
    assert [s["role"] for s in revocation.signatures] == ["office"]
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.type == "result.revoked")
        ).one()
        assert event.data["revocation_hash"] == revocation.document_hash
        assert event.data["reason"] == REASON and event.actor == f"user:{cast.officer.username}"
    result, signed = _signed(app, cast.meeting_id)
    report = verify(result, revocation=signed)
    assert report.verified and report.revoked
    assert "REVOKED by the street office" in report.text()
    assert REASON in report.text() and report.text().endswith("VERIFIED")
    # The old result still verifies on its own, unchanged.
    plain = verify(result)
    assert plain.verified and plain.revoked is None


def test_a_tampered_revocation_is_rejected_by_verify(app, countersigned):
    cast = countersigned
    _revoke(cast, authority="court", reference="(2026)京0105民初123号")
    result, signed = _signed(app, cast.meeting_id)
    tampers = {
        "reason": lambda r: r["document"].__setitem__("reason", "另一个理由"),
        "authority": lambda r: r["document"].__setitem__("authority", "office"),
        "day": lambda r: r["document"].__setitem__("decided_on", "2020-01-01"),
        "target": lambda r: r["document"]["revokes"].__setitem__("document_hash", "0" * 64),
        "role": lambda r: r["signatures"][0].__setitem__("role", "committee"),
        "time": lambda r: r["signatures"][0].__setitem__("signed_at", "2020-01-01T00:00:00Z"),
        "unsigned": lambda r: r.__setitem__("signatures", []),
    }
    for name, tamper in tampers.items():
        changed = copy.deepcopy(signed)
        tamper(changed)
        report = verify(result, revocation=changed)
        assert not report.verified, name
        assert report.revoked is None, name


def test_a_revocation_does_not_apply_to_another_result(app, results, countersigned):
    other = results.setup(name="二号小区", office=countersigned.office)
    other.run(publish_result)
    _revoke(countersigned)
    _, signed = _signed(app, countersigned.meeting_id)
    result, _ = _signed(app, other.meeting_id)
    with pytest.raises(Mismatch, match="revocation.document.meeting.id"):
        check_revocation([], signed, result, result["document"])


def test_verify_finds_the_revocation_beside_the_result(app, client, countersigned, tmp_path,
                                                       capsys):  # fmt: skip
    cast = countersigned
    _revoke(cast)
    base = f"/public/meetings/{cast.meeting_id}"
    result_file = tmp_path / "result.json"
    result_file.write_bytes(client.get(base + "/result.json").data)
    download = client.get(base + "/revocation.json")
    name = f"revocation-{cast.meeting_id}.json"
    assert name in download.headers["Content-Disposition"]
    (tmp_path / name).write_bytes(download.data)
    assert verify_main([str(result_file)]) == 0
    out = capsys.readouterr().out
    assert "found beside the result" in out and "REVOKED by the street office" in out
    tampered = json.loads(download.data)
    tampered["document"]["reason"] = "改过的理由"
    (tmp_path / name).write_bytes(canonical(tampered))
    assert verify_main([str(result_file)]) == 1
    assert "does not sign this revocation" in capsys.readouterr().out
    (tmp_path / name).unlink()
    elsewhere = tmp_path / "r.json"
    elsewhere.write_bytes(download.data)
    assert verify_main([str(result_file), "--revocation", str(elsewhere)]) == 0
    assert verify_main([str(result_file)]) == 0
    assert "REVOKED" not in capsys.readouterr().out.splitlines()[-1]


def test_only_the_communitys_own_office_revokes(app, make, results, countersigned):
    cast = countersigned
    elsewhere = results.setup(name="外街道小区")
    admin = make.user("admin", "root")
    before = _state(app, cast.meeting_id)
    for user in (cast.committee, elsewhere.officer, admin):
        with pytest.raises(ResultError) as refused:
            _revoke(cast, user=user)
        assert refused.value.status == 403
    assert _state(app, cast.meeting_id) == before == ("countersigned", 0, before[2])


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"data": b"\x89PNG\r\n\x1a\n" + b"0" * 64}, "PDF"),
        ({"data": b""}, "PDF"),
        ({"data": b"%PDF-" + b"0" * (10 * 1024 * 1024)}, "10 MB"),
        ({"reason": "  "}, "理由"),
        ({"authority": "property"}, "撤销依据"),
        ({"decided_on": "2099-01-01"}, "晚于今天"),
        ({"decided_on": "2020-01-01"}, "早于"),
        ({"decided_on": "yesterday"}, "日期"),
    ],
)
def test_bad_revocations_say_why_and_change_nothing(app, countersigned, changes, words):
    before = _state(app, countersigned.meeting_id)
    with pytest.raises(ResultError, match=words) as refused:
        _revoke(countersigned, **changes)
    assert refused.value.status == 422
    assert _state(app, countersigned.meeting_id) == before


def test_only_a_final_published_result_is_revoked_and_only_once(app, cast, results):
    with pytest.raises(ResultError, match="正式结果"):
        _revoke(cast)  # tallied, nothing published
    preliminary = results.setup(name="异议期小区", procedure={"parking_policy": "include",
                                                             "objection_days": 3})  # fmt: skip
    preliminary.run(publish_result)
    with pytest.raises(ResultError, match="正式结果"):
        _revoke(preliminary)
    cast.run(publish_result)  # published, not yet countersigned: a decision too
    _revoke(cast)
    with pytest.raises(ResultError, match="已被撤销"):
        _revoke(cast)
    for service, args, user in (
        (countersign_result, (), cast.officer),
        (return_result, ("理由",), cast.officer),
        (correct_result, ("更正",), cast.committee),
    ):
        with pytest.raises(ResultError, match="撤销"):
            cast.run(service, *args, user=user)
    assert _state(app, cast.meeting_id)[:2] == ("revoked", 1)


def test_the_public_pages_show_the_revocation_chinese_first(app, client, auth, countersigned):
    cast = countersigned
    auth.login(cast.officer)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "撤销本决定" in page
    response = client.post(
        f"/results/meetings/{cast.meeting_id}/revoke",
        data={"authority": "court", "reference": "(2026)京0105民初123号", "decided_on": _today(),
              "reason": REASON, "file": (io.BytesIO(PDF), "判决书.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    auth.logout()
    html = client.get(f"/public/meetings/{cast.meeting_id}").get_data(as_text=True)
    assert "本次业主大会的决定已被撤销" in html and REASON in html
    assert "人民法院判决" in html and "(2026)京0105民初123号" in html
    assert html.index("已被撤销") < html.index("事项 1")
    verify_html = client.get(f"/public/meetings/{cast.meeting_id}/verify").get_data(as_text=True)
    assert f"--revocation revocation-{cast.meeting_id}.json" in verify_html
    pdf = client.get(f"/public/meetings/{cast.meeting_id}/revocation.pdf")
    assert pdf.status_code == 200 and pdf.data == PDF
    listing = client.get(f"/public/communities/{cast.community.id}").get_data(as_text=True)
    assert "已被撤销" in listing
    english = client.get(f"/public/meetings/{cast.meeting_id}?lang=en")
    assert english.status_code == 200


def test_the_staff_form_refuses_a_non_pdf_and_changes_nothing(app, client, auth, countersigned):
    cast = countersigned
    auth.login(cast.officer)
    before = _state(app, cast.meeting_id)
    response = client.post(
        f"/results/meetings/{cast.meeting_id}/revoke",
        data={"authority": "office", "decided_on": _today(), "reason": REASON,
              "file": (io.BytesIO(b"MZ\x90\x00not a pdf"), "决定.pdf")},
        content_type="multipart/form-data", follow_redirects=True,
    )  # fmt: skip
    assert "只能上传 PDF" in response.get_data(as_text=True)
    assert _state(app, cast.meeting_id) == before
    auth.logout()
    auth.login(cast.committee)
    page = client.get(f"/communities/{cast.community.id}/results").get_data(as_text=True)
    assert "撤销本决定" not in page


def test_api_revokes_and_serves_the_revocation(app, client, make, results, countersigned):
    cast = countersigned
    base = f"/api/v1/meetings/{cast.meeting_id}"
    assert client.get(base + "/revocation").status_code == 404
    elsewhere = results.setup(name="外街道小区")

    def post(user):
        return client.post(
            base + "/revoke", headers=_bearer(make, user), content_type="multipart/form-data",
            data={"authority": "office", "decided_on": _today(), "reason": REASON,
                  "file": (io.BytesIO(PDF), "决定.pdf")},
        )  # fmt: skip

    assert post(cast.committee).status_code == 403
    assert post(elsewhere.officer).status_code == 404
    assert post(make.user("admin", "root")).status_code == 403
    assert _state(app, cast.meeting_id)[1] == 0
    created = post(cast.officer)
    assert created.status_code == 201
    served = client.get(base + "/revocation").get_json()
    assert served == created.get_json()
    meeting = client.get(base).get_json()
    assert meeting["state"] == "revoked" and meeting["revoked_at"]
    result = client.get(base + "/result").get_json()
    assert verify(result, revocation=served).revoked
    again = post(cast.officer)
    assert again.status_code == 409 and again.get_json()["error"]["message"]
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in spec["/meetings/{meeting_id}/revoke"]
    assert "get" in spec["/meetings/{meeting_id}/revocation"]


def test_the_offices_timeline_shows_the_revocation_with_its_reason(
    app, client, auth, countersigned
):
    _revoke(countersigned)
    auth.login(countersigned.officer)
    page = client.get(f"/supervision/meetings/{countersigned.meeting_id}").get_data(as_text=True)
    assert 'data-type="result.revoked"' in page
    assert "街道撤销决定" in page and REASON in page
