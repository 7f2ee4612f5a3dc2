"""The words of the supervision pages: kinds of committee, anomaly sentences, timeline events.

Whole sentences with named values, so that translators see each one entire.
"""

from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voting.supervision.anomalies import Anomaly
from voting.timeutil import SHANGHAI

KIND_LABELS = {
    "preparatory_group": _l("筹备组"),
    "management_committee": _l("物业管理委员会"),
    "owners_committee": _l("业主委员会"),
}

ANOMALY_TITLES = {
    "reissues_voter": _l("同一业主的链接多次补发"),
    "reissues_meeting": _l("本次会议补发链接过多"),
    "failed_checks_link": _l("同一链接多次核对身份错误"),
    "failed_checks_address": _l("同一网络地址多次核对身份错误"),
    "ballot_burst": _l("同一网络地址短时间内集中投票"),
    "assisted_ballots": _l("在协助投票点投出的选票"),
    "proxy_holder": _l("一位受托人代理的业主过多"),
    "not_me": _l("业主表示“这不是我投的”"),
    "paper_keyed_after_close": _l("表决截止后录入的纸质票"),
    "ballot_conflicts": _l("重复投票被拒绝"),
    "ballots_outside_window": _l("表决期之外的选票"),
    "logged_after_close": _l("表决结束后仍有选票记录"),
    "ballots_changed": _l("选票与审计日志不一致"),
    "publication_overdue": _l("表决结果逾期未公布（应在三日内公布）"),
    "publication_late": _l("表决结果逾期公布（应在三日内公布）"),
}

EVENT_LABELS = {
    "meeting.created": _l("拟定会议方案"),
    "meeting.updated": _l("修改会议方案"),
    "meeting.matter_added": _l("添加表决事项"),
    "meeting.matter_removed": _l("删除表决事项"),
    "meeting.document_added": _l("添加会议文件"),
    "meeting.document_removed": _l("删除会议文件"),
    "meeting.submitted": _l("报街道审核"),
    "meeting.approved": _l("街道批准会议方案"),
    "meeting.returned": _l("街道退回会议方案"),
    "meeting.announced": _l("发布会议公告"),
    "meeting.opened": _l("开始表决"),
    "meeting.closed": _l("结束表决"),
    "meeting.tallied": _l("完成计票"),
    "meeting.tally_failed": _l("计票失败"),
    "meeting.key_ceremony": _l("生成监票人密钥（联合公钥）"),
    "meeting.decryption_submitted": _l("监票人提交解密"),
    "meeting.key_share_refused": _l("监票人口令错误"),
    "meeting.voided": _l("会议作废"),
    "meeting.candidates_set": _l("填写补选或决选的候选人"),
    "meeting.credentials_exported": _l("导出业主链接"),
    "meeting.letters_printed": _l("打印表决通知书"),
    "credential.reissued": _l("补发链接"),
    "result.prepared": _l("准备结果文件"),
    "result.published": _l("签名公布结果"),
    "result.countersigned": _l("街道会签结果"),
    "result.returned": _l("街道退回结果"),
    "result.revoked": _l("街道撤销决定"),
    "ballot.conflict": _l("重复投票被拒绝"),
    "objection.answered": _l("答复业主异议"),
    "mandate.recorded": _l("登记业主委员会"),
    "desk.opened": _l("开设协助投票点"),
    "desk.closed": _l("关闭协助投票点"),
}

BULK_LABELS = {
    "ballot.cast": _l("选票"),
    "paper.entered": _l("纸质票录入"),
    "paper.discarded": _l("作废的录入"),
    "proxy.recorded": _l("委托书"),
    "credential.revoked": _l("作废链接"),
    "credential.locked": _l("锁定链接"),
    "roster.error_reported": _l("业主报告名册有误"),
    "roster.error_resolved": _l("处理名册问题"),
    "objection.filed": _l("业主异议"),
}

CHANNEL_LABELS = {"online": _l("网络投票"), "paper": _l("纸质票"), "proxy": _l("委托投票")}


SENTENCES = {
    "reissues_voter": _l(
        "%(subject)s 的投票链接补发了 %(reissues)s 次（提示线：%(threshold)s 次）。"
    ),
    "reissues_meeting": _l(
        "本次会议共补发链接 %(reissues)s 次，涉及 %(voters)s 位业主（提示线：%(threshold)s 次）。"
    ),
    "failed_checks_link": _l(
        "%(subject)s 的链接身份核对错误 %(failed_checks)s 次（提示线：%(threshold)s 次）。"
    ),
    "failed_checks_link_locked": _l(
        "%(subject)s 的链接身份核对错误 %(failed_checks)s 次，链接已被锁定。"
    ),
    "failed_checks_address": _l(
        "同一网络地址（%(subject)s）身份核对错误 %(failures)s 次，"
        "涉及 %(links)s 个链接（提示线：%(threshold)s 次）。"
    ),
    "ballot_burst": _l(
        "同一网络地址（%(subject)s）在 %(minutes)s 分钟内投出 %(ballots)s 张选票，"
        "该地址共投 %(from_address)s 张（提示线：%(threshold)s 张）。"
    ),
    "assisted_ballots": _l("协助投票点「%(subject)s」协助业主投出 %(ballots)s 张选票。"),
    "proxy_holder": _l(
        "受托人 %(subject)s 接受了 %(principals)s 位业主的委托（提示线：超过 %(threshold)s 位）。"
    ),
    "not_me": _l(
        "有 %(objections)s 位业主表示以其名义记录的选票不是本人投的，"
        "其中 %(unanswered)s 件待街道办事处答复；答复前不能会签。"
    ),
    "ballot_conflicts": _l("有 %(conflicts)s 次重复投票被拒绝，涉及 %(voters)s 位业主。"),
    "paper_keyed_after_close": _l(
        "有 %(ballots)s 张纸质或委托选票在表决截止后录入，"
        "票箱或收票人收到的时间在截止之前，已计入。"
    ),
    "ballots_outside_window": _l("有 %(ballots)s 张选票的时间在表决期之外或表决结束之后。"),
    "logged_after_close": _l("表决结束后，审计日志又记录了 %(events)s 条选票相关事件。"),
    "ballots_changed": _l(
        "有 %(ballots)s 张选票与投票时审计日志记下的不一致，"
        "另有 %(logged_without_ballot)s 条日志记录找不到对应的选票。"
    ),
    "publication_overdue": _l("表决结果未在结束表决后三日内公布，已逾期 %(days)s 天。"),
    "publication_late": _l("表决结果在期限过后 %(days)s 天才公布（应在结束表决后三日内）。"),
}


def anomaly_sentence(anomaly: Anomaly) -> str:
    """What the anomaly says, with its counts, in the user's language."""
    key = anomaly.code
    if key == "failed_checks_link" and anomaly.counts.get("locked"):
        key = "failed_checks_link_locked"
    sentence = SENTENCES.get(key)
    return str(sentence) % {"subject": anomaly.subject, **anomaly.counts} if sentence else key


def evidence_text(detail: dict) -> str:
    """The details of one piece of evidence as a short line."""
    parts = []
    if "credential_id" in detail:
        parts.append(_("链接 #%(id)s", id=detail["credential_id"]))
    if detail.get("locked"):
        parts.append(_("链接被锁定"))
    if "source" in detail:
        parts.append(_("地址 %(source)s", source=detail["source"]))
    if "channel" in detail:
        parts.append(str(CHANNEL_LABELS.get(detail["channel"], detail["channel"])))
    for key, label in (("entered_by", _l("录入人")), ("attempted_by", _l("录入人")),
                       ("recorded_by", _l("登记人")), ("actor", _l("操作者"))):  # fmt: skip
        if detail.get(key):
            parts.append(_("%(label)s：%(value)s", label=label, value=detail[key]))
    if "type" in detail:
        parts.append(_("日志第 %(seq)s 条：%(type)s", seq=detail["seq"], type=detail["type"]))
    if "due_on" in detail:
        parts.append(_("公布期限：%(d)s 24:00", d=detail["due_on"]))
    if detail.get("event") == "published":
        parts.append(_("首次公布"))
    if "received_at" in detail:
        received, keyed = _local(detail["received_at"]), _local(detail["keyed_at"])
        parts.append(_("收到：%(received)s，录入：%(keyed)s", received=received, keyed=keyed))
    if detail.get("clerks"):
        parts.append(_("录入人：%(names)s", names="、".join(detail["clerks"])))
    if detail.get("proxy"):
        proxy = detail["proxy"]
        parts.append(_("委托书：%(agent)s，%(file)s（SHA-256 %(hash)s…）", agent=proxy["agent"],
                       file=proxy["file_name"], hash=proxy["sha256"][:16]))  # fmt: skip
    if "filed_at" in detail:
        parts.append(_("业主提出“这不是我投的”"))
        parts.append(_("街道已答复") if detail.get("answered") else _("待街道答复"))
    if detail.get("reason"):
        parts.append(_("原因：%(reason)s", reason=detail["reason"]))
    return " · ".join(str(p) for p in parts)


def _local(value: str) -> str:
    """An RFC 3339 UTC time of the evidence as Beijing time."""
    moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def time_left(delta: timedelta) -> str:
    """Time until voting closes, as people say it."""
    if delta.total_seconds() <= 0:
        return _("已过截止时间，待委员会结束表决")
    days, seconds = delta.days, delta.seconds
    if days:
        return _("还剩 %(d)s 天 %(h)s 小时", d=days, h=seconds // 3600)
    if seconds >= 3600:
        return _("还剩 %(h)s 小时 %(m)s 分钟", h=seconds // 3600, m=seconds % 3600 // 60)
    return _("还剩 %(m)s 分钟", m=max(1, seconds // 60))


def links_held(event_type: str, data: dict) -> int | None:
    """How many owners' links an event put in someone's hands (export, letters, reissue)."""
    if event_type == "meeting.credentials_exported":
        return data.get("rows")
    if event_type == "meeting.letters_printed":
        return data.get("letters")
    if event_type == "credential.reissued":
        return 1
    return None


def actor_label(actor: str) -> str:
    """Who acted, as the audit log names them: an account, the system, or a resident."""
    if actor.startswith("user:"):
        return actor.removeprefix("user:")
    return {"system": _("系统"), "resident": _("业主")}.get(actor, actor)
