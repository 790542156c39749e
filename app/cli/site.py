"""``site``: the Excel workbook of the site (SITE-3).

    main.py site template FILE.xlsx                      the empty template
    main.py site import FILE.xlsx [--valid-only] [--url URL] [--check]
    main.py site export FILE.xlsx [--url URL]            the current site in the same format

The import checks every row first and prints each problem (sheet, row number, reason); nothing
is written unless every row is valid or ``--valid-only`` is given. Exit status: 0 written (or
nothing to write), 1 problems and nothing written, 2 bad usage / unreadable file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import CliError
from app.cli.common import add_url_option, resolve_url
from app.domain.site_sheet import SHEET_BY_KEY

MAX_LISTED = 500


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("site", help="site workbook: template, import, export (SITE-3)")
    ssub = p.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    t = ssub.add_parser("template", help="write the empty import template")
    t.add_argument("file", help="the .xlsx file to write")
    t.set_defaults(func=_template)
    i = ssub.add_parser("import", help="validate every row, then import (all or nothing)")
    i.add_argument("file")
    i.add_argument(
        "--valid-only", action="store_true", help="import the valid rows, skip the bad ones"
    )
    i.add_argument("--check", action="store_true", help="validate only, write nothing")
    add_url_option(i)
    i.set_defaults(func=_import)
    e = ssub.add_parser("export", help="write the current site in the template's format")
    e.add_argument("file")
    add_url_option(e)
    e.set_defaults(func=_export)


def _out(path: str) -> Path:
    out = Path(path).expanduser()
    if out.suffix.lower() != ".xlsx":
        raise CliError(f"文件名应以 .xlsx 结尾：{path}")
    if not out.parent.exists():
        raise CliError(f"目录不存在：{out.parent}")
    return out


def _template(args: argparse.Namespace) -> int:
    from app.services.site_import import SiteImportService

    out = SiteImportService.write_template(_out(args.file))
    print(f"导入模板已写入 {out}")
    return 0


def _services(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.services import Services

    return Services.for_url(resolve_url(args))


def _counts(counts: dict[str, int]) -> str:
    return "，".join(f"{SHEET_BY_KEY[k].title} {n}" for k, n in counts.items() if n) or "无"


def _import(args: argparse.Namespace) -> int:
    from app.errors import ShuidianError, SiteFileError
    from app.services.context import Actor

    path = Path(args.file).expanduser()
    if not path.is_file():
        raise CliError(f"文件不存在：{path}")
    svc = _services(args).site_import
    try:
        result = svc.import_file(
            Actor.system("cli"), path, valid_only=args.valid_only, dry_run=args.check
        )
    except SiteFileError as exc:
        reason = {"unreadable": "无法读取（不是 .xlsx 文件？）", "no_sheets": "没有模板中的表"}
        raise CliError(
            f"{path}：{reason.get(exc.reason, exc.reason)} {exc.detail}".strip()
        ) from exc
    except ShuidianError as exc:
        raise CliError(f"导入失败：{exc}", code=1) from exc
    for problem in result.problems[:MAX_LISTED]:
        print(problem.text())
    if len(result.problems) > MAX_LISTED:
        print(f"…… 另有 {len(result.problems) - MAX_LISTED} 个问题")
    rows = sum(result.rows.values())
    if result.problems and not result.written:
        print(
            f"共 {rows} 行，{len(result.problems)} 个问题；未写入任何数据"
            + ("（检查模式）" if args.check else "（可用 --valid-only 只导入有效行）")
        )
        return 1
    if args.check:
        print(f"共 {rows} 行，全部有效；将新增：{_counts(dict(result.new))}（检查模式，未写入）")
        return 0
    print(
        f"导入完成（{result.seconds:.1f} 秒）：新增 {_counts(dict(result.new))}；"
        f"已存在未变 {sum(result.existing.values())} 行；期初余额流水 {result.ledger_entries} 笔"
        + (f"；跳过有问题的行 {len(result.problems)} 个问题" if result.problems else "")
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.errors import ShuidianError
    from app.services.context import Actor

    out = _out(args.file)
    try:
        result = _services(args).site_import.export(Actor.system("cli"), out)
    except ShuidianError as exc:
        raise CliError(f"导出失败：{exc}", code=1) from exc
    print(f"站点已导出到 {result.path}（{result.seconds:.1f} 秒）：{_counts(dict(result.rows))}")
    return 0
