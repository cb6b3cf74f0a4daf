"""Domain commands of the `jobbridge` console script (the web package adds serve/scheduler/jobs)."""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
import time
from pathlib import Path

from jobbridge.config import get_settings


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply migrations."""
    from jobbridge.migrate import upgrade

    upgrade(revision=args.revision)
    print(f"数据库已迁移到 {args.revision}：{_safe_url()}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    """Load reference data, and demo data when asked."""
    from jobbridge.db import session_scope
    from jobbridge.reference import load_reference_data

    with session_scope() as session:
        report = load_reference_data(session=session)
    print(f"参考数据：新增 {report.inserted or 0}，更新 {report.updated or 0}")
    from jobbridge.policies.catalogue import seed_policy_catalogue

    with session_scope() as session:
        policies = seed_policy_catalogue(session=session)
    print(f"政策目录：新增 {policies['inserted']}，更新 {policies['updated']}，保留工作人员修改 {policies['kept_staff_edit']}")
    if args.demo:
        from jobbridge.demo import load_demo_data

        with session_scope() as session:
            demo = load_demo_data(session=session)
        print(f"演示数据：{demo}")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    """Create an account from the command line."""
    from jobbridge.accounts.service import AccountError, create_user
    from jobbridge.db import session_scope
    from jobbridge.validation import ValidationError

    password = args.password or os.environ.get("JOBBRIDGE_NEW_USER_PASSWORD")
    if password is None and sys.stdin.isatty():
        password = getpass.getpass("密码：")
    try:
        with session_scope() as session:
            user = create_user(
                session=session,
                role=args.role,
                name=args.name,
                phone=args.phone,
                username=args.username,
                password=password,
                employer_id=args.employer_id,
                window=args.window,
            )
            print(f"已创建账号 #{user.id}：{user.name}（{user.role}）")
    except (AccountError, ValidationError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


def cmd_occupations_code(args: argparse.Namespace) -> int:
    """Print CSV title,code,name,level,confidence for each title."""
    from jobbridge.matching.coder import get_coder

    titles = list(args.titles)
    if args.input:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text(encoding="utf-8")
        titles.extend(line.strip() for line in text.splitlines() if line.strip())
    if not titles:
        print("错误：请给出职位名称或 --input 文件", file=sys.stderr)
        return 2
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["title", "code", "name", "level", "confidence"])
    for result in get_coder().code_many(titles):
        writer.writerow([result.title, result.code, result.name, result.level, f"{result.confidence:.3f}"])
    return 0


def cmd_eval_matching(args: argparse.Namespace) -> int:
    """Run the fixed offline evaluation protocol through the ranking core."""
    from jobbridge.matching.evaluation import run_evaluation

    missing = [name for name in ("Job_Views.csv", "Experience.csv", "Positions_Of_Interest.csv")
               if not (Path(args.data) / name).is_file()]
    if missing:
        print(f"错误：{args.data} 中缺少 {'、'.join(missing)}（见数据目录的 SOURCE.txt）", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result = run_evaluation(data_dir=Path(args.data), k=10)
    for key, value in result.items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    print(f"total_seconds: {time.perf_counter() - started:.1f}")
    return 0


def _safe_url() -> str:
    url = get_settings().database_url
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def add_domain_commands(sub: argparse._SubParsersAction) -> None:
    """Register the domain's subcommands on a parser."""
    db = sub.add_parser("db", help="数据库迁移").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="应用全部迁移")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)

    seed = sub.add_parser("seed", help="加载参考数据（幂等）")
    seed.add_argument("--demo", action="store_true", help="同时加载演示数据")
    seed.set_defaults(func=cmd_seed)

    user = sub.add_parser("user", help="账号").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="创建账号")
    create.add_argument("--role", required=True, choices=["admin", "staff", "employer", "coordinator", "jobseeker", "graduate"])
    create.add_argument("--name", required=True)
    create.add_argument("--phone")
    create.add_argument("--username")
    create.add_argument("--password", help="省略时从终端或 JOBBRIDGE_NEW_USER_PASSWORD 读取")
    create.add_argument("--employer-id", type=int)
    create.add_argument("--window", help="窗口号（工作人员）")
    create.set_defaults(func=cmd_user_create)

    occ = sub.add_parser("occupations", help="职业分类").add_subparsers(dest="occ_command", required=True)
    code = occ.add_parser("code", help="职位名称 → 职业代码（CSV 输出）")
    code.add_argument("titles", nargs="*")
    code.add_argument("--input", help="每行一个职位名称的文件（- 为标准输入）")
    code.set_defaults(func=cmd_occupations_code)

    ev = sub.add_parser("eval", help="离线评测").add_subparsers(dest="eval_command", required=True)
    matching = ev.add_parser("matching", help="按 SOURCE.txt 的协议评测匹配")
    matching.add_argument("--data", required=True)
    matching.set_defaults(func=cmd_eval_matching)
