"""A wheel built from the repo serves pages and runs the scheduler from a fresh virtualenv outside the tree."""

import os
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_wheel_in_fresh_venv_serves_pages_static_files_and_runs_jobs(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist")], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("jobbridge-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # Dependencies come from the test environment's site-packages (no network); the project itself only from the wheel.
    site = Path(subprocess.check_output([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([py, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBBRIDGE_")}
    env.update(JOBBRIDGE_ENV="development", JOBBRIDGE_DATABASE_URL=f"sqlite:///{work / 'jb.sqlite3'}", PYTHONPATH="")
    where = subprocess.check_output([py, "-c", "import jobbridge, jobbridge_web; print(jobbridge.__file__, jobbridge_web.__file__)"],
                                    cwd=work, env=env, text=True)
    assert str(ROOT) not in where and str(venv) in where
    generic = subprocess.run([py, "-c", "import web"], cwd=work, env=env, capture_output=True)
    assert generic.returncode != 0, "a generic top-level 'web' package must not be installed"
    cli = venv / "bin" / "jobbridge"
    subprocess.run([cli, "db", "upgrade"], cwd=work, env=env, check=True, capture_output=True)
    subprocess.run([cli, "seed"], cwd=work, env=env, check=True, capture_output=True)
    jobs = subprocess.run([cli, "jobs", "run", "expire-vacancies"], cwd=work, env=env, check=True, capture_output=True,
                          text=True)
    assert "expire-vacancies" in jobs.stdout
    port = _free_port()
    server = subprocess.Popen([cli, "serve", "--port", str(port)], cwd=work, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                home = urllib.request.urlopen(base + "/", timeout=2).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert "我是求职者" in home
        css = urllib.request.urlopen(base + "/static/css/site.css", timeout=5).read().decode()
        assert ":root" in css
        listing = subprocess.run([cli, "jobs", "list"], cwd=work, env=env, check=True, capture_output=True, text=True)
        assert "purge-expired-sessions" in listing.stdout
    finally:
        server.terminate()
        server.wait(15)
