"""What the words of a matter suggest (voting.rules.wording): pure, no app."""

import pytest

from voting.rules.wording import HINTS, category_hints, is_motion_question


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


@pytest.mark.parametrize(
    ("title", "description", "category", "hints"),
    [
        # Civil Code art. 279: 住改商 is not for the assembly, whatever the category.
        ("同意3号楼101住改商", "", "ordinary", ["DWELLING_TO_BUSINESS"]),
        ("底商改造", "将2号楼102住宅改为经营性用房", "special", ["DWELLING_TO_BUSINESS"]),
        ("改变住宅用途开设民宿", "", "ordinary", ["DWELLING_TO_BUSINESS"]),
        ("管理规约增加禁止住改商条款", "", "ordinary", []),
        # Art. 278 (6)(7)(8) are special.
        ("续筹专项维修资金", "", "ordinary", ["SPECIAL_SUGGESTED"]),
        ("筹集住宅专项维修资金", "", "ordinary", ["SPECIAL_SUGGESTED"]),
        ("专项维修资金续交方案", "", "ordinary", ["SPECIAL_SUGGESTED"]),
        ("利用小区共有部分设置广告位经营", "", "ordinary", ["SPECIAL_SUGGESTED"]),
        ("改变地下架空层用途", "", "ordinary", ["SPECIAL_SUGGESTED"]),
        ("3号楼拆除重建", "", "ordinary", ["SPECIAL_SUGGESTED"]),
        ("续筹专项维修资金", "", "special", []),
        # Art. 278 (3)(4)(5) are ordinary.
        ("使用专项维修资金更换电梯", "", "special", ["ORDINARY_SUGGESTED"]),
        ("续聘物业服务企业", "", "special", ["ORDINARY_SUGGESTED"]),
        ("使用专项维修资金更换电梯", "", "ordinary", []),
        ("物业费由 1.47 元调整为 2.38 元", "", "ordinary", []),
        # Nothing to say: the category stays the committee's choice.
        ("加装电梯", "", "ordinary", []),
        ("加装电梯", "", "special", []),
    ],
)
def test_category_hints(title, description, category, hints):
    assert category_hints(title, description, category) == hints


def test_every_hint_has_both_languages():
    assert set(HINTS) == {"DWELLING_TO_BUSINESS", "SPECIAL_SUGGESTED", "ORDINARY_SUGGESTED"}
    assert all(zh and en and zh != en for zh, en in HINTS.values())
