"""Benchmark: importing a 500-row vacancy spreadsheet (check every row, then confirm) against the per-row path.

Baseline, measured in the same process on the same rows: 500 × create_vacancy one at a time, as 500 form posts
would (the occupation coder runs once per row). Measured: stage_import (openpyxl read + clean_vacancy per row)
and confirm_import (one vectorised coder pass, one savepoint per row). The coder is loaded before timing.

    .venv/bin/python bench/bench_vacancy_import.py            # a temporary SQLite file
    .venv/bin/python bench/bench_vacancy_import.py --rows 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="jobbridge-bench-import-")
    os.environ.update(JOBBRIDGE_ENV="test", JOBBRIDGE_VAR_DIR=tmp,
                      JOBBRIDGE_DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3")
    sys.path.insert(0, str(ROOT / "tests"))

    from openpyxl import Workbook
    from sqlmodel import Session

    from jobbridge.db import get_engine, session_scope
    from jobbridge.employers import excel
    from jobbridge.employers.imports import confirm_import, load_places, row_input, stage_import
    from jobbridge.employers.vacancies import create_vacancy, today_local
    from jobbridge.matching.coder import get_coder
    from jobbridge.migrate import upgrade
    from jobbridge.reference import load_reference_data
    from support.personas import make_employer

    upgrade()
    engine = get_engine()
    with session_scope(engine) as session:
        load_reference_data(session=session)
    get_coder()

    titles = ("普工", "电焊工", "叉车司机", "包装工", "仓库管理员", "厨师", "服务员", "保安", "水产加工工", "缝纫工")
    rows = []
    for i in range(args.rows):
        rows.append({
            "title": f"{titles[i % len(titles)]}{i}号", "headcount": i % 9 + 1, "employment_type": "全职",
            "pay_kind": "月薪", "pay_low": 4000 + i, "pay_high": 6000 + i, "min_education": "初中",
            "description": f"第{i}车间岗位，按作业指导书完成本岗位工作，服从班组安排。", "benefits": "五险一金、包吃",
            "town": "泽头镇", "working_hours": "8:00-17:00", "valid_until": today_local() + timedelta(days=30),
        })
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = excel.DATA_SHEET
    sheet.append([excel.header_label(c) for c in excel.COLUMNS])
    for row in rows:
        sheet.append([row.get(c.key, "") for c in excel.COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    with Session(engine, expire_on_commit=False) as db:
        baseline_employer = make_employer(db, name="基线单位")
        places = load_places(session=db)
        inputs = [row_input({k: (v if hasattr(v, "year") else str(v)) for k, v in row.items()}, places)[0]
                  for row in rows]
        start = time.perf_counter()
        for data in inputs:
            create_vacancy(session=db, employer_id=baseline_employer.id, data=data)
        db.commit()
        baseline = time.perf_counter() - start

        employer = make_employer(db, name="导入单位")
        start = time.perf_counter()
        batch = stage_import(session=db, employer_id=employer.id, user_id=None, filename="bench.xlsx", content=content)
        staged = time.perf_counter() - start
        start = time.perf_counter()
        result = confirm_import(session=db, token=batch.token, employer_id=employer.id, submit=False)
        db.commit()
        confirmed = time.perf_counter() - start
        assert result["created"] == args.rows, result

    print(f"rows: {args.rows}")
    print(f"baseline, create_vacancy per row: {baseline:.2f} s ({baseline / args.rows * 1000:.1f} ms/row)")
    print(f"stage_import (read + check every row): {staged:.2f} s = {staged / baseline:.2f} x baseline")
    print(f"confirm_import (batched coder): {confirmed:.2f} s = {confirmed / baseline:.2f} x baseline")
    print(f"whole import: {(staged + confirmed) / baseline:.2f} x baseline")


if __name__ == "__main__":
    main()
