"""What the words of a matter suggest (voting.rules.wording): pure, no app."""

import pytest

from voting.rules.wording import is_motion_question


@pytest.mark.parametrize(
    ("labels", "motion"),
    [
        (["同意", "不同意"], True),
        (["赞成。", "反对", "弃权"], True),
        (["Agree", "Disagree", "Abstain"], True),
        (["同意", "不同意", "不同意"], False),
        (["同意", "弃权"], False),
        (["北门", "南门", "不建"], False),
        (["同意方案一", "同意方案二", "不同意"], False),
    ],
)
def test_which_labels_make_a_motion_question(labels, motion):
    assert is_motion_question(labels) is motion
