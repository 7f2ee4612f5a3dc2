"""Hostile uploads and bodies: each must be a clear 4xx within 5 s, the worker under 300 MB.

Besides the hostile files, the largest files within the limits (a sheet of a million cells, a
realistic roster of 50,000 units as CSV and XLSX) show that no upload within the limits takes
the worker over 300 MB.

Builds every file itself, then sends each through the app (Flask's test client, the same
request handling as a worker) in a child process of its own, so that each peak is its own:
the peak resident memory (VmHWM) is reset after the app is set up and read after the request.
Prints per case the status, the seconds the request took, the peak RSS and the message.

    python benchmarks/hostile_uploads.py [--case NAME ...]
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.rosters.xlsx_parts import PARTS  # noqa: E402

HEADER = (
    "楼栋,房号,类型,登记面积,实测面积,合同面积,业主,表决代表,业主标识,证件号码,手机号,建设单位持有"
)
LIMIT_SECONDS, LIMIT_MB = 5.0, 300


def one_column_csv(size: int = 9_800_000) -> bytes:
    """A valid header, then rows of one column: two problems on each row (at 9.8 MB, 1.4
    million rows; at 288,890 bytes, the 50,000 rows the limit allows: 100,000 problems)."""
    out, total, i = (
        [
            b"\xe6\xa5\xbc\xe6\xa0\x8b,\xe6\x88\xbf\xe5\x8f\xb7,\xe7\x99\xbb\xe8\xae\xb0\xe9\x9d\xa2\xe7\xa7\xaf\n"
        ],
        0,
        0,
    )  # noqa: E501
    while total < size:
        line = b"%d\n" % i
        out.append(line)
        total += len(line)
        i += 1
    return b"".join(out)


def sparse_xlsx(ref: str) -> bytes:
    """A header and one cell far away (openpyxl declares the dimension up to it)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "登记面积"])
    sheet[ref] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def million_rows_xlsx(rows: int = 2_000_000) -> bytes:
    """2 million deflated rows of one cell each, no declared dimension: about 10 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
                b'<t>building</t></is></c><c r="B1" t="inlineStr"><is><t>unit</t></is></c>'
                b'<c r="C1" t="inlineStr"><is><t>area</t></is></c></row>'
            )
            for start in range(2, rows + 2, 10_000):
                stop = min(start + 10_000, rows + 2)
                sheet.write(
                    b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                             for i in range(start, stop))
                )  # fmt: skip
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def wide_xlsx(rows: int = 50_000, columns: int = 20) -> bytes:
    """As many cells as the limits allow (1 million), each a shared string: within every limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            PARTS["xl/_rels/workbook.xml.rels"].replace(
                "</Relationships>",
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
            ),
        )
        with archive.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                          b'spreadsheetml/2006/main">')  # fmt: skip
            strings.write(
                "".join(f"<si><t>单元格内容{i:06d}</t></si>" for i in range(rows)).encode()
            )
            strings.write(b"</sst>")
        letters = [chr(65 + c) for c in range(columns)]
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>')  # fmt: skip
            for start in range(1, rows + 1, 2_000):
                sheet.write("".join(
                    f'<row r="{i}">' + "".join(f'<c r="{c}{i}" t="s"><v>{i - 1}</v></c>'
                                               for c in letters) + "</row>"
                    for i in range(start, min(start + 2_000, rows + 1))
                ).encode())  # fmt: skip
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def legit_roster(fmt: str, units: int = 50_000) -> bytes:
    """The realistic roster of benchmarks/roster_import.py, at the row limit."""
    from benchmarks.roster_import import as_csv, as_xlsx, generate_rows

    rows = generate_rows(units)
    return as_csv(rows) if fmt == "csv" else as_xlsx(rows)


def csv_rows(*rows: str, end: str = "\n") -> bytes:
    return end.join([HEADER, *rows, ""]).encode()


def roster_case(build, name: str):
    return {"kind": "roster", "build": build, "name": name}


CASES = {
    "csv-one-column-9.8MB": roster_case(one_column_csv, "r.csv"),
    "csv-one-column-50k-rows": roster_case(lambda: one_column_csv(288_890), "r.csv"),
    "xlsx-sparse-XFD1048576": roster_case(lambda: sparse_xlsx("XFD1048576"), "r.xlsx"),
    "xlsx-sparse-ALL100000": roster_case(lambda: sparse_xlsx("ALL100000"), "r.xlsx"),
    "xlsx-2M-deflated-rows": roster_case(million_rows_xlsx, "r.xlsx"),
    "xlsx-1M-cells-in-limits": roster_case(wide_xlsx, "r.xlsx"),
    "csv-50k-units-accepted": roster_case(lambda: legit_roster("csv"), "r.csv"),
    "xlsx-50k-units-accepted": roster_case(lambda: legit_roster("xlsx"), "r.xlsx"),
    "csv-field-131072": roster_case(
        lambda: csv_rows("1号楼,101,住宅,90,,," + "x" * 131_072 + ",,,,,"), "r.csv"
    ),
    "csv-cr-line-ends": roster_case(
        lambda: csv_rows(
            "1号楼,101,住宅,90,,,刘芳,,,,,", "1号楼,102,住宅,80,,,王五,,,,,", end="\r"
        ),
        "r.csv",
    ),
    "csv-stray-apostrophe": roster_case(
        lambda: csv_rows("1号楼,101,住宅,90,,,'刘芳,,,,,", "1号楼,102,住宅,80,,,王五',,,,,"),
        "r.csv",
    ),
    "csv-unclosed-quote": roster_case(lambda: csv_rows('1号楼,101,住宅,90,,,"刘芳,,,,,'), "r.csv"),
    "csv-owner-key-plus": roster_case(
        lambda: csv_rows("1号楼,101,住宅,90,,,刘芳,,+K1,,,"), "r.csv"
    ),
    "csv-id-scientific": roster_case(
        lambda: csv_rows("1号楼,101,住宅,90,,,刘芳,,,1.10105E+17,,"), "r.csv"
    ),
    "json-1000-deep-ballot": {"kind": "json", "path": "/api/v1/ballots"},
    "json-1000-deep-meeting": {"kind": "json", "path": "/api/v1/communities/{cid}/meetings"},
}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run_case(name: str) -> dict:
    """In this (child) process: set the app up, reset the peak, send one request, measure."""
    os.environ.setdefault("VOTING_INSTANCE_PATH", tempfile.mkdtemp(prefix="voting-hostile-"))
    from flask_migrate import upgrade

    from voting import create_app
    from voting.auth.services import add_user, issue_token
    from voting.db import db
    from voting.rosters.services import create_community, create_office, import_roster

    case = CASES[name]
    database = Path(os.environ["VOTING_INSTANCE_PATH"]) / "hostile.db"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        upgrade()
        community = create_community("观澜苑", create_office("望京街道").id, "owners_committee")
        import_roster(community, csv_rows("1号楼,101,住宅,90,,,刘芳,,,,,"), "r.csv")
        user = add_user(
            "committee-1", "correct horse battery", "committee", community_id=community.id
        )
        token, cid = issue_token(user), community.id
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    if case["kind"] == "roster":
        body = case["build"]()
        request = {"path": f"/api/v1/communities/{cid}/roster", "method": "PUT",
                   "data": {"file": (io.BytesIO(body), case["name"])},
                   "content_type": "multipart/form-data"}  # fmt: skip
        size = len(body)
    else:
        body = "[" * 1000 + "]" * 1000
        request = {"path": case["path"].format(cid=cid), "method": "POST", "data": body,
                   "content_type": "application/json"}  # fmt: skip
        size = len(body)
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    before = _status_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    response = client.open(headers=headers, **request)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _status_kb("VmHWM")
    answer = response.get_json(silent=True) or {}
    error = answer.get("error", {})
    message = error.get("message") or (f"accepted: {answer.get('units')} units" if answer else "")
    return {"case": name, "bytes": size, "status": response.status_code, "seconds": seconds,
            "cpu": cpu, "rss_before_mb": before / 1024, "peak_mb": peak / 1024,
            "answer_bytes": len(response.get_data()), "message": message}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child), ensure_ascii=False))
        return
    print(f"{'case':<26} {'file':>9} {'status':>6} {'seconds':>8} {'CPU s':>6} "
          f"{'RSS before':>10} {'peak RSS':>9} {'answer':>8}  message")  # fmt: skip
    failures = 0
    for name in args.case or CASES:
        child = subprocess.run(
            [sys.executable, __file__, "--child", name], capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        if child.returncode != 0:
            failures += 1
            print(f"{name:<26} child failed: {child.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(child.stdout.strip().splitlines()[-1])
        # A refusal must be quick; an accepted import writes 50,000 units and is only bounded
        # in memory (benchmarks/roster_import.py measures its speed).
        quick = r["seconds"] < LIMIT_SECONDS or "accepted" in name
        within = quick and r["peak_mb"] < LIMIT_MB and r["status"] < 500
        failures += not within
        print(
            f"{r['case']:<26} {r['bytes'] / 2**10:>7.0f}KB {r['status']:>6} {r['seconds']:>8.2f} "
            f"{r['cpu']:>6.2f} "
            f"{r['rss_before_mb']:>8.0f}MB {r['peak_mb']:>7.0f}MB {r['answer_bytes']:>7}B  "
            f"{r['message'][:60]}{'' if within else '  <-- over the limit'}"
        )
    print(f"limits: {LIMIT_SECONDS:.0f} s and {LIMIT_MB} MB per request; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
