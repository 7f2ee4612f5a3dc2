"""Watching a meeting: live turnout against the quorum lines, and the close and tally page."""

from flask import render_template

from voting.auth.access import acting_user
from voting.auth.permissions import allowed_actions, meeting_for
from voting.i18n import N_
from voting.meetings.forms import ActionForm
from voting.meetings.matters import CATEGORY_LABELS, KIND_LABELS
from voting.meetings.models import Meeting
from voting.meetings.reach import reach
from voting.meetings.readiness import issues_before_closing
from voting.meetings.services import STATE_LABELS
from voting.meetings.tally import explain_meeting, roster_document
from voting.meetings.turnout import turnout as turnout_figures
from voting.meetings.views import bp
from voting.rules import Procedure, explain
from voting.rules.published import matter_result
from voting.web import current_lang

#: In zh-CN; the close page shows them through _() (N_ puts them in the catalog).
OUTCOME_LABELS = {
    "passed": N_("通过"),
    "rejected": N_("未通过"),
    "no_quorum": N_("参与人数或面积不足，未形成有效决定"),
    "selected": N_("已选定"),
    "no_decision": N_("未作出决定"),
    "elected": N_("选举产生"),
    "tie_unresolved": N_("票数相同，需再次表决或抽签"),
    "committee_not_formed": N_("委员会未能组成"),
}


@bp.get("/meetings/<int:meeting_id>/turnout")
def turnout(meeting_id: int):
    """Owners and area that have voted, per matter and by building, against the 2/3 lines."""
    meeting = meeting_for(meeting_id)
    user = acting_user()
    return render_template(
        "meetings/turnout.html",
        meeting=meeting,
        community=meeting.community,
        figures=turnout_figures(meeting),
        labels=STATE_LABELS,
        reach=reach(meeting),
        can_remind=user is not None and user.role == "committee" and meeting.state == "open",
        action_form=ActionForm(),
    )


def explanations_of(meeting: Meeting, tally: list[dict], lang: str) -> dict[str, list[str]]:
    """Why each matter came out as it did: from the board in the clear, or, for a secret
    meeting, from the figures its decrypted totals gave (its tally)."""
    if not meeting.secret:
        return explain_meeting(meeting, lang)
    procedure = Procedure.from_dict(meeting.procedure)
    roster = roster_document(meeting)
    return {m["id"]: explain(matter_result(m, roster, procedure), lang) for m in tally}


@bp.get("/meetings/<int:meeting_id>/close")
def close(meeting_id: int):
    """Before closing: what still stands in the way. After: the tally, explained in words."""
    meeting = meeting_for(meeting_id)
    user = acting_user()
    tally = meeting.tally if meeting.tallied_at else None
    explanations = explanations_of(meeting, tally, current_lang()) if tally else {}
    options = {m.public_id: {o.code: o.label for o in m.options} for m in meeting.matters}
    return render_template(
        "meetings/close.html",
        meeting=meeting,
        community=meeting.community,
        issues=issues_before_closing(meeting) if meeting.state == "open" else [],
        can_close="close" in allowed_actions(meeting, user.role if user else None),
        tally=tally,
        explanations=explanations,
        options=options,
        outcome_labels=OUTCOME_LABELS,
        category_labels=CATEGORY_LABELS,
        kind_labels=KIND_LABELS,
        labels=STATE_LABELS,
        action_form=ActionForm(),
    )
