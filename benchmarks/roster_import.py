"""Roster import speed: a generated 50,000-unit roster as CSV and as XLSX.

Prints units per second for each format (parse + checks + database write) on the configured
database (VOTING_DATABASE_URL, default a temporary SQLite file).

    python benchmarks/roster_import.py [--units 50000]
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = ["楼栋", "房号", "类型", "登记面积", "实测面积", "合同面积", "业主", "表决代表",
          "业主标识", "证件号码", "手机号", "建设单位持有"]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


def generate_rows(count: int, seed: int = 7) -> list[list[str]]:
    """Realistic rows: flats over many buildings, parking, co-owners, multi-unit owners."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        building = f"{i // 400 + 1}号楼"
        number = f"{(i % 400) // 4 + 1:02d}{i % 4 + 1:02d}"
        kind = "车位" if i % 10 == 9 else "住宅"
        area = (
            f"{rng.randint(1200, 1800) / 100:.2f}"
            if kind == "车位"
            else (f"{rng.randint(5000, 15000) / 100:.2f}")
        )
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        owner, rep = name, ""
        if i % 50 == 0:
            other = rng.choice(SURNAMES) + rng.choice(GIVEN)
            owner, rep = f"{name}、{other}", name
        id_number = str(110108195000000000 + i)
        developer = "是" if i % 97 == 0 else ""
        rows.append([building, number, kind, area, "", "", owner, rep, "", id_number,
                     f"138{i:08d}", developer])  # fmt: skip
    return rows


def as_csv(rows) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=50_000)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="voting-bench-")
    os.environ.setdefault("VOTING_INSTANCE_PATH", instance)
    from flask_migrate import upgrade

    from voting import create_app
    from voting.db import db
    from voting.rosters.services import create_community, create_office, import_roster

    app = create_app({"MAX_ROSTER_BYTES": 64 * 2**20})
    rows = generate_rows(args.units)
    files = {"csv": as_csv(rows), "xlsx": as_xlsx(rows)}
    with app.app_context():
        upgrade()
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        office = create_office("基准测试街道")
        community = create_community("基准小区", office.id, "owners_committee")
        db.session.commit()
        for fmt, data in files.items():
            started, cpu = time.perf_counter(), time.process_time()
            report = import_roster(community, data, f"roster.{fmt}")
            db.session.commit()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            rate = report["units"] / seconds
            print(
                f"{fmt:>4}: {report['units']:,} units, {report['owners']:,} owners, "
                f"{len(data) / 2**20:.1f} MiB in {seconds:.2f} s (CPU {cpu:.2f} s) "
                f"= {rate:,.0f} units/s"
            )
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
