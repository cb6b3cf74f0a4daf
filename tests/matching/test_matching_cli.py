"""The matching CLIs end to end in a subprocess: `jobbridge eval matching` and `jobbridge occupations code`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

VIEW_FIELDS = ["Applicant.ID", "Job.ID", "Title", "Position", "Company", "City", "State.Name", "State.Code",
               "Industry", "View.Start", "View.End", "View.Duration", "Created.At", "Updated.At"]
JOBS = {
    1: ("Cashier", "Walmart", "Retail", "Austin", "TX"),
    2: ("Cashier", "Target", "Retail", "Denver", "CO"),
    3: ("Line Cook", "Dennys", "Food", "Austin", "TX"),
    4: ("Welder", "Acme Steel", "Manufacturing", "Denver", "CO"),
    5: ("Forklift Driver", "Acme Steel", "Warehouse", "Denver", "CO"),
}
# Each applicant's last view is held out; the earlier ones build their profile.
VIEWS = {
    "a1": [1, 3, 1],
    "a2": [4, 5, 4],
    "a3": [2, 1],
    "a4": [5, 4],
}


def _write(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _dataset(tmp_path: Path) -> Path:
    """A tiny dataset in the real files' layout (columns as in shared/data/jobrec_views)."""
    rows = []
    for user, jobs in VIEWS.items():
        for i, job in enumerate(dict.fromkeys(jobs)):
            title, company, industry, city, state = JOBS[job]
            when = f"2015-01-0{i + 1} 10:00:00 UTC"
            rows.append({"Applicant.ID": user, "Job.ID": job, "Title": title, "Position": title,
                         "Company": company, "City": city, "State.Name": state, "State.Code": state,
                         "Industry": industry, "View.Start": "", "View.End": "", "View.Duration": "",
                         "Created.At": when, "Updated.At": when})
    _write(tmp_path / "Job_Views.csv", VIEW_FIELDS, rows)
    _write(tmp_path / "Experience.csv", ["Applicant.ID", "Position.Name"], [
        {"Applicant.ID": "a2", "Position.Name": "Welder"}, {"Applicant.ID": "a1", "Position.Name": "Cook"}])
    _write(tmp_path / "Positions_Of_Interest.csv", ["Applicant.ID", "Position.Of.Interest"], [
        {"Applicant.ID": "a4", "Position.Of.Interest": "warehouse"}])
    return tmp_path


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jobbridge_web.cli", *args], capture_output=True, text=True,
                          input=stdin, timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)


def _figures(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


def test_eval_matching_prints_hit_rate_ndcg_mrr_and_wall_time(tmp_path):
    result = _run("eval", "matching", "--data", str(_dataset(tmp_path)))
    assert result.returncode == 0, result.stderr
    figures = _figures(result.stdout)
    assert figures["users"] == "4"
    for key in ("hit_rate@10", "ndcg@10", "mrr"):
        assert 0.0 <= float(figures[key]) <= 1.0
    # Five jobs in all, minus each user's own views: the held-out job is always within the top 10.
    assert float(figures["hit_rate@10"]) == 1.0
    assert float(figures["total_seconds"]) > 0


def test_eval_matching_without_data_fails_with_a_message(tmp_path):
    result = _run("eval", "matching", "--data", str(tmp_path / "missing"))
    assert result.returncode == 2 and "缺少 Job_Views.csv" in result.stderr


def test_occupations_code_prints_csv_for_titles_and_an_input_file(tmp_path):
    titles = tmp_path / "titles.txt"
    titles.write_text("叉车司机\n\n保洁员\n", encoding="utf-8")
    result = _run("occupations", "code", "电焊工", "--input", str(titles))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(result.stdout.splitlines()))
    assert rows[0] == ["title", "code", "name", "level", "confidence"]
    assert [r[0] for r in rows[1:]] == ["电焊工", "叉车司机", "保洁员"]
    assert rows[1][1:4] == ["6-18-02-04", "焊工", "4"] and 0 < float(rows[1][4]) <= 1


def test_occupations_code_reads_titles_from_standard_input(tmp_path):
    result = _run("occupations", "code", "--input", "-", stdin="电焊工\n")
    assert result.returncode == 0 and result.stdout.splitlines()[1].startswith("电焊工,6-18-02-04,焊工,4,")


def test_occupations_code_without_titles_is_an_error():
    result = _run("occupations", "code")
    assert result.returncode == 2 and "请给出职位名称" in result.stderr
