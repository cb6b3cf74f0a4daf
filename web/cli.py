"""The `jobbridge` console script: domain commands plus serve, scheduler and jobs."""

from __future__ import annotations

import argparse
import logging
import sys

from jobbridge.cli import add_domain_commands


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app (and, unless told otherwise, the scheduler in the same process)."""
    import uvicorn

    from jobbridge.config import get_settings

    get_settings()  # refuse bad settings before binding the port
    scheduler = None
    if not args.no_scheduler:
        if args.workers > 1:
            print("多进程运行时请用 --no-scheduler 并单独运行 `jobbridge scheduler`", file=sys.stderr)
            return 2
        from jobbridge_scheduler.runner import SchedulerService

        scheduler = SchedulerService()
        scheduler.start_in_thread()
    try:
        uvicorn.run(
            "jobbridge_web.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
            proxy_headers=True, log_level="info",
        )
    finally:
        if scheduler:
            scheduler.stop()
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    """Run the scheduler service (stands by while another instance is active)."""
    from jobbridge_scheduler.runner import SchedulerService

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = SchedulerService(poll_seconds=args.poll_seconds)
    try:
        service.run_forever()
    except KeyboardInterrupt:
        service.stop()
    return 0


def cmd_jobs_list(_args: argparse.Namespace) -> int:
    """Print every job with its trigger and last run."""
    from jobbridge.config import get_settings
    from jobbridge.db import session_scope
    from jobbridge.jobruns import last_runs
    from jobbridge_scheduler.jobs import job_table

    tz = get_settings().tz
    with session_scope() as session:
        runs = last_runs(session=session)
        print(f"{'job':28} {'trigger':34} {'last run':20} outcome  counts")
        for spec in job_table().values():
            run = runs.get(spec.id)
            when = run.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if run else "never"
            outcome = run.outcome if run else "-"
            counts = run.counts if run else ""
            print(f"{spec.id:28} {spec.trigger_text():34} {when:20} {outcome:8} {counts}")
    return 0


def cmd_jobs_run(args: argparse.Namespace) -> int:
    """Run one job now."""
    from jobbridge_scheduler.jobs import job_table
    from jobbridge_scheduler.runner import run_job

    if args.job_id not in job_table():
        print(f"错误：没有名为 {args.job_id} 的任务；可用：{', '.join(job_table())}", file=sys.stderr)
        return 2
    counts = run_job(args.job_id)
    print(f"{args.job_id}: {counts}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The full command-line interface."""
    parser = argparse.ArgumentParser(prog="jobbridge", description="就业桥 JobBridge")
    sub = parser.add_subparsers(dest="command", required=True)
    add_domain_commands(sub)

    serve = sub.add_parser("serve", help="运行网站（默认同时运行定时任务）")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-scheduler", action="store_true")
    serve.set_defaults(func=cmd_serve)

    sched = sub.add_parser("scheduler", help="运行定时任务服务")
    sched.add_argument("--poll-seconds", type=float, default=5.0)
    sched.set_defaults(func=cmd_scheduler)

    jobs = sub.add_parser("jobs", help="定时任务").add_subparsers(dest="jobs_command", required=True)
    jobs.add_parser("list", help="列出任务及上次运行").set_defaults(func=cmd_jobs_list)
    run = jobs.add_parser("run", help="立即运行一个任务")
    run.add_argument("job_id")
    run.set_defaults(func=cmd_jobs_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    from jobbridge.config import ConfigError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
