"""Forms of the roster pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from voting.forms import required_choice
from voting.typed import plain, plain_code

COMMITTEE_KIND_CHOICES = [
    SelectChoice("owners_committee", _l("业主委员会（业委会）")),
    SelectChoice("management_committee", _l("物业管理委员会（物管会）")),
    SelectChoice("preparatory_group", _l("筹备组")),
]
UNIT_TYPE_CHOICES = [
    SelectChoice("dwelling", _l("住宅")),
    SelectChoice("commercial", _l("商业")),
    SelectChoice("parking", _l("车位")),
    SelectChoice("stall", _l("摊位")),
]


class OfficeForm(FlaskForm):
    """A new street office."""

    name = StringField(_l("街道办事处名称"), validators=[DataRequired(), Length(max=200)])


class CommunityForm(FlaskForm):
    """A new community."""

    name = StringField(_l("小区名称"), validators=[DataRequired(), Length(max=200)])
    office_id = SelectField(_l("所属街道"), coerce=int)
    committee_kind = SelectField(_l("组织形式"), choices=COMMITTEE_KIND_CHOICES)


class ImportForm(FlaskForm):
    """A roster file."""

    file = FileField(_l("花名册文件（CSV 或 XLSX）"), validators=[FileRequired()])


class UnitForm(FlaskForm):
    """One unit's type, areas and developer flag."""

    unit_type = SelectField(_l("类型"), choices=UNIT_TYPE_CHOICES)
    registered_area = StringField(
        _l("登记面积（㎡）"), filters=[plain_code], validators=[Length(max=20)]
    )
    surveyed_area = StringField(
        _l("实测面积（㎡）"), filters=[plain_code], validators=[Length(max=20)]
    )
    contract_area = StringField(
        _l("合同面积（㎡）"), filters=[plain_code], validators=[Length(max=20)]
    )
    is_developer_held = BooleanField(_l("建设单位持有（未售出或未交付）"))


class ProcedureForm(FlaskForm):
    """The rules-of-procedure settings (议事规则) that the count depends on."""

    parking_policy = required_choice(
        _l("车位、摊位是否计入"),
        [
            SelectChoice("include", _l("计入面积和人数")),
            SelectChoice("exclude_area_only", _l("不计面积，只计人数")),
            SelectChoice("exclude_entirely", _l("面积和人数都不计")),
        ],
        _l("请选择车位政策。"),
    )
    invalid_counts_as_participation = BooleanField(_l("无效票计入参与表决"), default=True)
    ranking_rule = SelectField(
        _l("选举排名规则"),
        choices=[
            SelectChoice("HEAD_THEN_AREA", _l("先比人数，再比面积")),
            SelectChoice("AREA_THEN_HEAD", _l("先比面积，再比人数")),
            SelectChoice("SUM_OF_RATIOS", _l("人数比例与面积比例之和")),
        ],
    )
    tie_resolution = SelectField(
        _l("票数相同时"),
        choices=[SelectChoice("runoff", _l("再次投票")), SelectChoice("lot", _l("抽签"))],
    )
    notice_rule = SelectField(
        _l("公告期计算"),
        choices=[
            SelectChoice("CLEAR_15", _l("满 15 日（不含公告当日和会议当日）")),
            SelectChoice("PLAIN_15", _l("15 日")),
        ],
    )
    duplicate_policy = SelectField(
        _l("重复投票"),
        choices=[
            SelectChoice("first_valid", _l("以第一张有效票为准")),
            SelectChoice("reject_all", _l("全部无效")),
        ],
    )
    window_days_min = IntegerField(
        _l("投票期最短天数"), validators=[NumberRange(1, 365)], default=5
    )
    window_days_max = IntegerField(
        _l("投票期最长天数"), validators=[NumberRange(1, 365)], default=60
    )
    max_principals_per_agent = IntegerField(
        _l("每位受托人最多代理人数（留空不限）"), validators=[Optional(), NumberRange(1, 1000)]
    )
    objection_days = IntegerField(_l("异议期天数"), validators=[NumberRange(0, 60)], default=0)
    publish_unit_areas = BooleanField(_l("公示参与表决房屋的面积"))
    one_time_code = BooleanField(
        _l("网上投票发送手机验证码（花名册登记了手机号的业主）"), default=True
    )


class ContactForm(FlaskForm):
    """Where owners reach the committee and the street office (shown on residents' pages)."""

    committee_phone = StringField(_l("业委会电话"), filters=[plain], validators=[Length(max=40)])
    committee_place = StringField(
        _l("业委会办公地点"), validators=[Length(max=200)],
        render_kw={"placeholder": _l("例如：3号楼一层业委会办公室")},
    )  # fmt: skip
    committee_hours = StringField(
        _l("业委会接待时间"), validators=[Length(max=100)],
        render_kw={"placeholder": _l("例如：每周六 9:00—11:30")},
    )  # fmt: skip
    office_phone = StringField(_l("街道办事处电话"), filters=[plain], validators=[Length(max=40)])
    office_place = StringField(_l("街道办事处地址"), validators=[Length(max=200)])
    office_hours = StringField(_l("街道办事处办公时间"), validators=[Length(max=100)])
