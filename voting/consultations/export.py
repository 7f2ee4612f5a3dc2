"""The summary of a consultation as an XLSX workbook: participation, results, comments.

Hidden comments are listed with their reason and without their text. Every text cell is
written as a string, so that a comment such as ``=HYPERLINK(...)`` never becomes a formula.
"""

from decimal import Decimal

from flask_babel import gettext as _

from voting.consultations.models import Consultation
from voting.consultations.participation import comment_tree
from voting.consultations.results import ConsultationResults, Share, consultation_results
from voting.consultations.services import STATE_LABELS
from voting.i18n import N_
from voting.spreadsheets import XlsxSheet, new_workbook, xlsx_bytes
from voting.web import local_time

#: Translated when the workbook is written (in the language of the person downloading it).
SHARE_HEADER = [N_("人数"), N_("人数占比"), N_("人数占比（%）"), N_("面积（㎡）"), N_("面积占比"),
                N_("面积占比（%）")]  # fmt: skip


def _area(value: int) -> Decimal:
    """0.01 m² as an exact decimal number of m²."""
    return Decimal(value) / 100


def _share_header() -> list[str]:
    """The share columns' headers in the reader's language."""
    return [_(text) for text in SHARE_HEADER]


def _share(share: Share) -> list:
    return [share.heads, share.heads_ratio, share.heads_percent, _area(share.area),
            share.area_ratio, share.area_percent]  # fmt: skip


def author_label(comment) -> str:
    """Who wrote a comment, without identity data: the building, or the staff account."""
    if comment.staff_author:
        return _("工作人员（%(name)s）", name=comment.staff_author.removeprefix("user:"))
    building = comment.participant.building if comment.participant else ""
    return _("%(building)s 业主", building=building) if building else _("业主")


def export_xlsx(consultation: Consultation, results: ConsultationResults | None = None) -> bytes:
    """The summary workbook: 概况, 问题结果, 评论."""
    results = results or consultation_results(consultation)
    community = consultation.community
    book = new_workbook()
    _overview(XlsxSheet(book, _("概况")), consultation, community, results)
    _questions(XlsxSheet(book, _("问题结果")), results)
    _comments(XlsxSheet(book, _("评论")), consultation)
    return xlsx_bytes(book)


def _overview(sheet: XlsxSheet, consultation, community, results: ConsultationResults) -> None:
    sheet.row(_("议题"), consultation.title)
    sheet.row(_("小区"), community.name)
    sheet.row(_("状态"), str(STATE_LABELS[consultation.state]))
    sheet.row(_("开始时间"), local_time(consultation.opened_at))
    sheet.row(_("截止时间"), local_time(consultation.deadline))
    sheet.row(_("说明"), _("意见征求结果不是业主大会的表决，不产生表决效力。"))
    sheet.row()
    sheet.row("", *_share_header())
    sheet.row(_("花名册（全部业主）"), results.participants.of_heads, "", "",
              _area(results.participants.of_area))  # fmt: skip
    sheet.row(_("可以参与"), *_share(results.participants))
    sheet.row(_("已答卷"), *_share(results.answered))
    sheet.row()
    sheet.row(_("评论数"), results.comments)
    sheet.row(_("其中已隐藏"), results.hidden_comments)
    sheet.row(_("发表评论的业主"), results.commenters)


def _questions(sheet: XlsxSheet, results: ConsultationResults) -> None:
    sheet.row(_("编号"), _("问题"), _("选项"), *_share_header())
    for result in results.questions:
        question = result.question
        sheet.row(question.code, question.title, _("（回答本题）"), *_share(result.respondents))
        for _code, label, share in result.options:
            shown = _(label) if question.kind == "scale" else label
            sheet.row(question.code, question.title, shown, *_share(share))
        if question.kind == "scale":
            sheet.row(question.code, question.title, _("满意（4–5 分）"), *_share(result.satisfied))
            sheet.row(question.code, question.title, _("平均分（按人数）"), result.mean_by_heads)
            sheet.row(question.code, question.title, _("平均分（按面积）"), result.mean_by_area)


def _comments(sheet: XlsxSheet, consultation: Consultation) -> None:
    sheet.row(_("编号"), _("回复"), _("层级"), _("时间"), _("作者"), _("状态"), _("内容"))
    for comment, depth in comment_tree(consultation):
        hidden = comment.hidden_at is not None
        sheet.row(
            comment.id,
            comment.parent_id or "",
            depth,
            local_time(comment.created_at),
            author_label(comment),
            _("已隐藏：%(reason)s", reason=comment.hidden_reason or "") if hidden else _("显示"),
            _("（内容已隐藏）") if hidden else comment.body,
        )
