"""Comments: plain text stored as given (minus control characters), always shown escaped,
length-limited with a clear message, threaded; moderation hides with a reason, never deletes,
and keeps the original text in the audit log."""

import hashlib

from sqlalchemy import func, select

from tests.consultations.conftest import verify
from voting.audit.models import AuditEvent
from voting.audit.services import verify_live_chain
from voting.consultations.models import ConsultationComment
from voting.db import db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def _comments(app) -> list[ConsultationComment]:
    with app.app_context():
        return list(
            db.session.scalars(select(ConsultationComment).order_by(ConsultationComment.id))
        )


def test_html_and_script_are_stored_as_given_and_shown_escaped(
    app, client, auth, committee, community, topics
):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "101")
    assert client.post(f"/c/{token}/comments", data={"body": SCRIPT}).status_code == 302
    assert [c.body for c in _comments(app)] == [SCRIPT]
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    owner_page = client.get(f"/c/{token}").get_data(as_text=True)
    assert escaped in owner_page and "<script>" not in owner_page and "<img src=x" not in owner_page
    client.delete_cookie("session")
    auth.login(committee)
    for url in (topic.url(), topic.url("/summary")):
        page = client.get(url).get_data(as_text=True)
        assert escaped in page and "<script>" not in page, url
    api = client.get(f"/api/v1/participation/{token}").get_json()
    assert api["comments"][0]["body"] == SCRIPT  # JSON carries the text; escaping is the page's


def test_control_characters_are_stripped_newlines_kept(app, client, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "201")
    body = "第一行\r\n第二行\x00\x07\x1b[31m\u202e倒序\u2066\t结束\r"
    assert client.post(f"/c/{token}/comments", data={"body": body}).status_code == 302
    assert [c.body for c in _comments(app)] == ["第一行\n第二行[31m倒序结束"]


def test_a_comment_of_only_control_characters_is_refused(app, client, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "201")
    response = client.post(f"/c/{token}/comments", data={"body": "\x00\x01\u202e \n"})
    assert response.status_code == 422
    assert _comments(app) == []


def test_100_kb_of_text_is_refused_with_a_clear_message(app, client, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "201")
    before = _audit_count(app)
    response = client.post(f"/c/{token}/comments", data={"body": "长" * 100_000})
    assert response.status_code == 422
    assert "评论最多 2000 字，您写了 100000 字" in response.get_data(as_text=True)
    assert _comments(app) == [] and _audit_count(app) == before
    exactly = client.post(f"/c/{token}/comments", data={"body": "满" * 2000})
    assert exactly.status_code == 302
    assert len(_comments(app)[0].body) == 2000
    api = client.post(
        f"/api/v1/participation/{token}/comments",
        json={"body": "x" * 100_000, "verification": "0315"},
    )
    assert api.status_code == 422 and "2000" in api.get_json()["error"]["message"]
    assert len(_comments(app)) == 1


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_replies_are_threaded(app, client, auth, committee, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "101")
    client.post(f"/c/{token}/comments", data={"body": "建议建在北门"})
    first = _comments(app)[0].id
    client.post(f"/c/{token}/comments", data={"body": "另一个话题"})
    client.delete_cookie("session")
    other = verify(client, topic, "2号楼", "101")
    client.post(f"/c/{other}/comments", data={"body": "北门车多", "parent_id": str(first)})
    reply = _comments(app)[-1].id
    client.delete_cookie("session")
    auth.login(committee)
    client.post(topic.url("/comments"), data={"body": "业委会会去看现场", "parent_id": str(reply)})
    rows = _comments(app)
    assert [(c.body, c.parent_id) for c in rows] == [
        ("建议建在北门", None),
        ("另一个话题", None),
        ("北门车多", first),
        ("业委会会去看现场", reply),
    ]
    assert rows[-1].staff_author == f"user:{committee.username}" and rows[-1].participant_id is None
    tree = client.get(f"/api/v1/participation/{token}").get_json()["comments"]
    assert [(c["body"], c["depth"]) for c in tree] == [
        ("建议建在北门", 0),
        ("北门车多", 1),
        ("业委会会去看现场", 2),
        ("另一个话题", 0),
    ]
    page = client.get(topic.url()).get_data(as_text=True)
    assert page.index("北门车多") < page.index("业委会会去看现场") < page.index("另一个话题")
    assert 'class="consult-comment depth-2 staff-comment"' in page


def test_moderation_hides_with_a_reason_and_the_audit_log_keeps_the_original(
    app, client, auth, committee, community, topics
):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "101")
    original = "王某某是骗子！电话 13800000000 <b>"
    client.post(f"/c/{token}/comments", data={"body": original})
    comment = _comments(app)[0]
    client.delete_cookie("session")
    auth.login(committee)
    refused = client.post(topic.url(f"/comments/{comment.id}/hide"), data={"reason": ""})
    assert refused.status_code == 422 and _comments(app)[0].hidden_at is None
    response = client.post(
        topic.url(f"/comments/{comment.id}/hide"), data={"reason": "含人身攻击和他人电话"}
    )
    assert response.status_code == 302
    again = client.post(topic.url(f"/comments/{comment.id}/hide"), data={"reason": "再次"})
    assert again.status_code == 422
    kept = _comments(app)
    assert len(kept) == 1 and kept[0].body == original  # never deleted
    assert kept[0].hidden_reason == "含人身攻击和他人电话"
    assert kept[0].hidden_by == f"user:{committee.username}"
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.type == "consultation.comment_hidden")
        )
        assert event.data["original_text"] == original
        assert event.data["original_sha256"] == hashlib.sha256(original.encode()).hexdigest()
        assert event.data["reason"] == "含人身攻击和他人电话"
        assert verify_live_chain(f"community:{community.id}") == []
    # Hidden text is withheld everywhere it is shown; the reason is shown instead.
    staff_page = client.get(topic.url()).get_data(as_text=True)
    summary = client.get(topic.url("/summary")).get_data(as_text=True)
    client.delete_cookie("session")
    neighbour = verify(client, topic, "1号楼", "201")
    owner_page = client.get(f"/c/{neighbour}").get_data(as_text=True)
    api = client.get(f"/api/v1/participation/{token}").get_json()["comments"][0]
    for page in (staff_page, summary, owner_page):
        assert "骗子" not in page and "含人身攻击和他人电话" in page
    assert api["hidden"] is True and api["body"] is None
    # Nobody replies to a hidden comment.
    reply = client.post(
        f"/c/{neighbour}/comments", data={"body": "回复", "parent_id": str(comment.id)}
    )
    assert reply.status_code == 422


def test_owners_cannot_moderate(app, client, community, topics):
    topic = topics.make(community)
    token = verify(client, topic, "1号楼", "101")
    client.post(f"/c/{token}/comments", data={"body": "意见"})
    comment = _comments(app)[0]
    response = client.post(topic.url(f"/comments/{comment.id}/hide"), data={"reason": "x"})
    assert response.status_code == 302 and "/login" in response.location
    assert _comments(app)[0].hidden_at is None
