"""Queueing messages in the caller's transaction, and their texts (zh-CN, or English).

Nothing here talks to a provider: a message is a row, committed (or rolled back) with the
change that causes it; the worker (voting.messages.worker) sends it.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from sqlalchemy import insert

from voting.db import db, utcnow
from voting.messages.models import Message

LOCAL = ZoneInfo("Asia/Shanghai")

_CHANNELS = {
    "zh": {"online": "网上投票", "paper": "纸质表决票", "proxy": "委托代理投票",
           "correction": "更正"},
    "en": {"online": "online", "paper": "paper ballot", "proxy": "by proxy",
           "correction": "correction"},
}  # fmt: skip

#: The texts of each kind; ``{meeting}`` is the meeting's title (shortened).
TEMPLATES = {
    "zh": {
        "code": "【共议】您的投票验证码是 {code}，10 分钟内有效。"
        "请勿告诉任何人，包括业委会和物业。",
        "ballot_recorded": "【共议】{time}，“{meeting}”已记录一张以您名义投出的表决票"
        "（{channel}）。如果不是您本人投的，请打开 {link} 告诉{office}。",
        "notice": "【共议】{community}业主大会会议“{meeting}”已发布公告，表决时间 {opens} 至 "
        "{closes}（北京时间）。公告张贴在小区公告栏，也可在 {link} 阅读。表决开始时您会收到"
        "个人投票链接。",
        "link": "【共议】“{meeting}”已开始表决，{closes} 截止。这是您的个人投票链接，"
        "请勿转给他人：{link}",
        "reminder": "【共议】“{meeting}”将于 {closes} 截止表决，您尚未投票。请打开您的"
        "个人链接投票：{link}；也可向业委会领取纸质表决票。",
    },
    "en": {
        "code": "Gongyi: your voting code is {code}, valid for 10 minutes. Tell no one, "
        "not the committee nor the property firm.",
        "ballot_recorded": "Gongyi: at {time} a ballot was recorded in your name in "
        '"{meeting}" ({channel}). If you did not cast it, tell {office} at once: {link}',
    },
}


def public_base() -> str:
    """The base of links in messages: VOTING_PUBLIC_URL, else this request's host."""
    base = current_app.config.get("PUBLIC_URL") or (request.host_url if has_request_context()
                                                    else "")  # fmt: skip
    return base.rstrip("/")


def queue_message(
    kind: str,
    *,
    community_id: int,
    meeting_id: int | None,
    voter_id: int | None,
    recipients: str,
    params: dict,
    secret: str | None = None,
    now: datetime | None = None,
) -> None:
    """Queue one message in the current transaction (one INSERT, nothing read)."""
    now = now or utcnow()
    db.session.execute(
        insert(Message.__table__),
        {"community_id": community_id, "meeting_id": meeting_id, "voter_id": voter_id,
         "kind": kind, "recipients": recipients, "recipient_hash": None, "params": params,
         "secret": secret, "state": "queued", "attempts": 0, "next_attempt_at": now,
         "created_at": now, "sent_at": None, "last_error": None},
    )  # fmt: skip


def queue_ballot_alert(
    *,
    community_id: int,
    meeting_id: int,
    voter_id: int,
    phones_sealed: str | None,
    channel: str,
    at: datetime,
    lang: str = "zh",
) -> None:
    """Tell the owner's phones that a ballot was recorded in their name (if they have any),
    with the link to "这不是我投的"."""
    if not phones_sealed:
        return
    params = {"channel": channel, "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "lang": lang,
              "link": f"{public_base()}/public/meetings/{meeting_id}/not-me"}  # fmt: skip
    queue_message("ballot_recorded", community_id=community_id, meeting_id=meeting_id,
                  voter_id=voter_id, recipients=phones_sealed, params=params, now=at)  # fmt: skip


def _local_time(value: str) -> str:
    at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def render(
    kind: str,
    params: dict,
    *,
    meeting_title: str = "",
    office: str = "",
    code: str | None = None,
    community: str = "",
):
    """The message's text and its template variables, in the owner's language."""
    lang = "en" if params.get("lang") == "en" else "zh"
    title = meeting_title if len(meeting_title) <= 30 else meeting_title[:29] + "…"
    variables = {"meeting": title, "link": params.get("link", ""), "office": office}
    if kind == "notice":
        variables["community"] = community
    if kind == "code":
        variables["code"] = code or ""
    if "at" in params:
        variables["time"] = _local_time(params["at"])
    if "channel" in params:
        variables["channel"] = _CHANNELS[lang].get(params["channel"], params["channel"])
    for name in ("opens", "closes"):
        if name in params:
            variables[name] = _local_time(params[name])
    template = TEMPLATES[lang].get(kind) or params.get("text", "")
    text = template.format_map(_Missing(variables))
    return text, {k: v for k, v in variables.items() if v != ""}


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def code_expired(created_at: datetime, now: datetime, minutes: int = 10) -> bool:
    """True once a code message is too old to be worth sending."""
    return now - created_at > timedelta(minutes=minutes)
