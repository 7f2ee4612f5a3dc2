"""Two ways to vote in a whole meeting: through the pages, and through the API.

Both take the same instructions (who votes how, on which channel) so that a scenario's
tally can be checked the same way whichever way the ballots came in.
"""

import base64
import html
import re

from .support import Opened

PDF = b"%PDF-1.4\n% written authorisation, signed\n"


class ApiDriver:
    """Residents call POST /ballots; committee members call POST /meetings/<id>/paper-ballots."""

    name = "api"

    def __init__(self, app, make, kit, opened: Opened, names=("wang", "li")):
        self.app, self.opened = app, opened
        self.client = app.test_client()
        self.tokens = [make.token(kit.committee(make, opened.community_id, n)) for n in names]

    def online(self, owner: str, answers: dict, verification: str | None = None) -> str:
        body = {"token": self.opened.tokens[owner], "answers": answers}
        if verification:
            body["verification"] = verification
        response = self.client.post("/api/v1/ballots", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["receipt"]

    def paper(self, owner: str, answers: dict, channel: str = "paper") -> str:
        path = f"/api/v1/meetings/{self.opened.meeting_id}/paper-ballots"
        body = {"owner_key": owner, "answers": answers, "channel": channel}
        reasons = {key: "unsigned" for key, answer in answers.items() if answer == "invalid"}
        if reasons:
            body["invalid_reasons"] = reasons
        if channel == "proxy":
            body["proxy"] = {
                "agent_name": "受托人",
                "file_name": "委托书.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
        first = self.client.post(path, json=body, headers=self._auth(0))
        assert first.status_code == 202, first.get_json()
        if channel == "proxy":
            body["proxy"] = {"id": first.get_json()["proxy_id"]}
        second = self.client.post(path, json=body, headers=self._auth(1))
        assert second.status_code == 201, second.get_json()
        return second.get_json()["receipt"]

    def _auth(self, member: int) -> dict:
        return {"Authorization": f"Bearer {self.tokens[member]}"}


class PagesDriver:
    """Residents use /v/<token>, each on a phone of their own; members use the staff pages."""

    name = "pages"

    def __init__(self, app, make, kit, opened: Opened, names=("wang", "li")):
        self.app, self.opened = app, opened
        self.members = []
        for name in names:
            user = kit.committee(make, opened.community_id, name)
            client = app.test_client()
            assert (
                client.post(
                    "/login", data={"username": user.username, "password": make.password}
                ).status_code
                == 302
            )
            self.members.append(client)

    def online(self, owner: str, answers: dict, verification: str | None = None) -> str:
        phone = self.app.test_client()
        token = self.opened.tokens[owner]
        assert phone.get(f"/v/{token}").status_code == 200
        if verification:
            checked = phone.post(f"/v/{token}/verify", data={"last4": verification})
            assert checked.status_code == 302
        confirm = phone.post(f"/v/{token}/ballot", data=_fields(answers))
        assert confirm.status_code == 200, confirm.get_data(as_text=True)
        hidden = re.findall(
            r'type="hidden" name="(m\d+)" value="([^"]*)"', confirm.get_data(as_text=True)
        )
        data: dict[str, list[str]] = {}
        for name, value in hidden:
            data.setdefault(name, []).append(value)
        cast = phone.post(f"/v/{token}/confirm", data={**data, "action": "cast"})
        assert cast.status_code == 302 and cast.headers["Location"].endswith("/receipt")
        page = phone.get(f"/v/{token}/receipt").get_data(as_text=True)
        return "".join(re.findall(r"<span>([0-9a-f]{4})</span>", page))

    def paper(self, owner: str, answers: dict, channel: str = "paper") -> str:
        entry = self._entry_path(owner)
        fields = {**_fields(answers), "channel": channel, "proxy_id": "", "whole_invalid": ""}
        for key, answer in answers.items():
            if answer == "invalid":
                fields[f"invalid{key}"] = "unsigned"
        if channel == "proxy":
            recorded = self.members[0].post(
                entry + "/proxy",
                content_type="multipart/form-data",
                data={"agent_name": "受托人", "scan": (_file(PDF), "委托书.pdf")},
            )
            assert recorded.status_code == 302, recorded.get_data(as_text=True)
            fields["proxy_id"] = re.search(r"proxy=(\d+)", recorded.headers["Location"]).group(1)
        first = self.members[0].post(entry, data=fields)
        assert first.status_code == 302, first.get_data(as_text=True)
        second = self.members[1].post(entry, data=fields)
        assert second.status_code == 302
        page = self.members[1].get(second.headers["Location"]).get_data(as_text=True)
        found = re.search(r"回执：([0-9a-f ]{39})", page)
        assert found, page
        return found.group(1).replace(" ", "")

    def _entry_path(self, owner: str) -> str:
        """Find the voter on the search page by building and unit, as a member would."""
        label = self.opened.labels[owner]
        page = (
            self.members[0]
            .get(f"/meetings/{self.opened.meeting_id}/paper", query_string={"q": label})
            .get_data(as_text=True)
        )
        rows = re.findall(r"<td>([^<]*)</td>.*?href=\"([^\"]+/paper/voters/\d+)\"", page, re.S)
        paths = [html.unescape(path) for cell, path in rows if cell == label]
        assert len(paths) == 1, page
        return paths[0]


def _fields(answers: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, answer in answers.items():
        if answer == "invalid":
            continue
        out[f"m{key}"] = list(answer) if answer else ["abstain"]
    return out


def _file(data: bytes):
    import io

    return io.BytesIO(data)


DRIVERS = {"pages": PagesDriver, "api": ApiDriver}
