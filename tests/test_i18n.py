"""The English interface: the language switch, a complete catalog, pages read in English."""

import re
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

import voting
from tests.ballots.support import MeetingKit, Unit, motion
from voting.db import db

CATALOG = Path(voting.__file__).parent / "translations" / "en" / "LC_MESSAGES"
#: Python-format and str.format placeholders, and the escaped percent sign.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%%|%[sdif]|\{[A-Za-z_]\w*\}")
HAN = re.compile(r"[\u4e00-\u9fff]+")
#: Han characters or the full-width punctuation of Chinese text (：，。；（） and the like).
CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")
ID_NUMBER = "110108198003030021"


def po_catalog():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle)


def messages(catalog) -> dict:
    return {m.id: m.string for m in catalog if m.id}


def main_text(response) -> str:
    """The visible text of the page's <main>, tags removed."""
    body = response.get_data(as_text=True)
    match = re.search(r"<main>(.*)</main>", body, re.S)
    assert match, body[:200]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def chinese_in(text: str, *data: str) -> list[str]:
    """Chinese left in ``text`` once the given data (names the users typed) is taken out."""
    for value in data:
        text = text.replace(value, "")
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in CHINESE.finditer(text)]


def test_english_can_be_chosen(client):
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Staff sign-in" in page


def test_chinese_is_the_default_and_can_be_chosen_again(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "工作人员登录" in page and "Staff sign-in" not in page
    client.get("/lang/en")
    assert client.get("/lang/zh_CN?next=/login").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "工作人员登录" in page


def test_the_committed_mo_is_the_compiled_po():
    compiled = BytesIO()
    write_mo(compiled, po_catalog())
    compiled.seek(0)
    with open(CATALOG / "messages.mo", "rb") as handle:
        committed = read_mo(handle)
    assert messages(read_mo(compiled)) == messages(committed)


def test_every_message_has_english_with_the_same_placeholders():
    catalog = po_catalog()
    assert len(messages(catalog)) > 1000
    for message in catalog:
        if not message.id:
            continue
        source, english = message.id, message.string
        assert isinstance(source, str), f"plural forms are not used: {source!r}"
        assert english.strip() and english != source, source
        assert not message.fuzzy, source
        assert Counter(PLACEHOLDER.findall(english)) == Counter(PLACEHOLDER.findall(source)), source
        # A bare % (e.g. "（%）" in a column header) stays as it is.
        assert PLACEHOLDER.sub("", english).count("%") == PLACEHOLDER.sub("", source).count("%")
        # Chinese in the English only where it quotes the source (column names, examples).
        for han in HAN.findall(english):
            assert han in source, (source, english)


@pytest.fixture
def staff_english(app, client, make, auth):
    """A community with an English-named roster, its committee member signed in, English on."""
    from voting.rosters.services import create_community, import_roster, update_procedure

    office = make.office("Wangjing Street Office")
    with app.app_context():
        community = create_community("Riverside Gardens", office.id, "owners_committee")
        update_procedure(community, {"parking_policy": "include"})
        roster = (
            "building,unit,unit_type,registered_area,owner,representative,id_number\n"
            "B1,101,dwelling,90.00,Liu Fang,,110108198003030021\n"
            "B1,102,dwelling,100.00,Wang Jing;Li Qiang,Li Qiang,\n"
            "B1,P1,parking,12.50,Chen Wei,,\n"
        )
        import_roster(community, roster.encode(), "roster.csv")
        db.session.commit()
        community_id = community.id
    auth.login(make.user("committee", username="member", community=community))
    client.get("/lang/en")
    return community_id


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/communities/{id}", "Riverside Gardens"),
        ("/communities/{id}/roster", "Riverside Gardens · Roster"),
        ("/communities/{id}/roster/import", "Riverside Gardens · Import the roster"),
        ("/communities/{id}/procedure", "Rules of procedure settings"),
        ("/communities/{id}/meetings", "Meeting of the owners' assembly"),
        ("/communities/{id}/meetings/new", "New meeting plan"),
        ("/account", "My account"),
    ],
)
def test_staff_pages_read_in_english(client, staff_english, path, heading):
    response = client.get(path.format(id=staff_english))
    assert response.status_code == 200
    text = main_text(response)
    assert heading in text
    # Column names of the roster file are quoted in Chinese on the import page: they are data.
    assert chinese_in(text, "楼栋", "房号", "登记面积", "实测面积", "合同面积", "业主标识") == []


def test_the_roster_page_translates_types_and_the_representative(client, staff_english):
    text = main_text(client.get(f"/communities/{staff_english}/roster"))
    assert "Dwelling" in text and "Parking space" in text and "Liu Fang" in text
    assert "Li Qiang (representative)" in text and "12.50" in text and "Edit" in text


def test_a_refused_form_answers_in_english(client, staff_english):
    response = client.post(f"/communities/{staff_english}/procedure", data={"parking_policy": ""})
    assert response.status_code != 302
    assert "Please choose how parking is counted." in main_text(response)


def test_an_owner_votes_in_english(app, client):
    kit = MeetingKit(app)
    owners = [
        Unit("101", "100.00", "o1", id_number=ID_NUMBER, building="B1"),
        Unit("102", "80.00", "o2", building="B1"),
    ]
    community_id = kit.community(owners)
    with app.app_context():
        from voting.rosters.models import Community

        community = db.session.get(Community, community_id)
        community.name, community.office.name = "Riverside Gardens", "Wangjing Street Office"
        db.session.commit()
    options = [{"label": "Acme", "statement": "Cheaper"}, {"label": "Best", "statement": ""}]
    matters = [
        motion("Adopt the covenant"),
        {
            "title": "Choose a manager",
            "category": "ordinary",
            "kind": "selection",
            "options": options,
        },
    ]
    opened = kit.open(community_id, matters, title="Spring meeting")
    token = opened.tokens["o1"]
    masked = "业***"  # the owner's masked name, as the roster gave it
    client.get("/lang/en")

    welcome = client.get(f"/v/{token}")
    text = main_text(welcome)
    assert "Your details in the roster" in text and "Start voting" in text
    assert "Voting time: " in text and "1 person" in text
    assert chinese_in(text, masked) == []
    notice = main_text(client.get(f"/v/{token}/notice"))
    assert "Matter 1" in notice and "Adopt the covenant" in notice
    assert chinese_in(notice) == []

    verify = client.get(f"/v/{token}/verify")
    assert "Please enter the last four characters of your ID card number" in main_text(verify)
    wrong = client.post(f"/v/{token}/verify", data={"last4": "9999"})
    assert wrong.status_code == 403 and chinese_in(main_text(wrong)) == []
    assert client.post(f"/v/{token}/verify", data={"last4": "0021"}).status_code == 302

    ballot = main_text(client.get(f"/v/{token}/ballot"))
    assert "Agree" in ballot and "Disagree" in ballot and "About the option: Acme" in ballot
    assert chinese_in(ballot) == []
    choice = {
        f"m{opened.matter_ids[0]}": opened.codes[0]["同意"],
        f"m{opened.matter_ids[1]}": opened.codes[1]["Acme"],
    }
    confirm = main_text(client.post(f"/v/{token}/ballot", data=choice))
    assert "Please check your choices" in confirm and "Agree" in confirm
    assert chinese_in(confirm) == []
    cast = client.post(f"/v/{token}/confirm", data={**choice, "action": "cast"})
    assert cast.status_code == 302
    voted = main_text(client.get(cast.headers["Location"]))
    assert "Your receipt code" in voted and chinese_in(voted) == []
    assert kit.counts()["ballots"] == 1


def test_texts_for_the_owners_are_kept_in_chinese_whoever_writes_them(app, client, staff_english):
    from sqlalchemy import select

    from voting.consultations.models import Consultation

    response = client.post(
        f"/communities/{staff_english}/consultations/satisfaction",
        data={"year": "2025", "deadline": "2099-01-01T10:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalars(select(Consultation)).one()
        assert survey.title == "2025 年度物业服务满意度调查"
        assert survey.questions[0].title == "您对小区保洁（公共区域清洁、垃圾清运）的满意程度"
        assert [o.label for o in survey.questions[0].options][0] == "很不满意"
        survey_id = survey.id
    # The staff page shows the stored texts as they are, and the scale in English.
    page = client.get(f"/communities/{staff_english}/consultations/{survey_id}")
    html = page.get_data(as_text=True)
    assert "<li>Very dissatisfied</li>" in html and "<li>很不满意</li>" not in html
    assert "您对小区保洁" in html
