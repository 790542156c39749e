"""站点导入/导出 dialog on a real database: the template saved, a workbook with bad rows checked
(every problem listed in Chinese, nothing written), the valid rows imported, the site exported;
the devices page offers the dialog only to operators with the rights."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.domain.permissions import ROLES
from app.services import Services
from app.services.context import Actor
from app.services.unit_of_work import Database
from app.ui.application import create_application, install_translation
from app.ui.dialogs.site_import import SiteImportDialog
from app.ui.pages.base import PageContext
from app.ui.pages.devices import DevicesPage
from app.ui.tasks import TaskRunner
from tests.integration.services.test_site_import import (
    EXPECTED_PROBLEMS,
    GOOD_AND_BAD,
    fill_workbook,
    table_counts,
)

ADMIN = Actor.system("ui-import")


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[PageContext]:
    app = create_application()
    install_translation(app, "zh_CN")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    db = Database(f"sqlite:///{tmp_path / 'ui.db'}")
    db.upgrade()
    tasks = TaskRunner()
    try:
        yield PageContext(Services(db), ADMIN, tasks)
    finally:
        tasks.shutdown()
        db.dispose()


def _wait_idle(qtbot: QtBot, dialog: SiteImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.ctx.tasks.pending == 0, timeout=30000)


def test_check_lists_every_problem_then_valid_rows_import_and_export(
    ctx: PageContext, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = SiteImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "站点表格：导入与导出"

    dialog.save_template(tmp_path / "t.xlsx")
    _wait_idle(qtbot, dialog)
    assert (tmp_path / "t.xlsx").exists() and "导入模板已保存到" in dialog.status_label.text()

    bad = fill_workbook(tmp_path / "bad.xlsx", GOOD_AND_BAD)
    dialog.check(bad)
    _wait_idle(qtbot, dialog)
    model = dialog.model
    assert model.rowCount() == len(EXPECTED_PROBLEMS)
    headers = [model.headerData(c, Qt.Orientation.Horizontal, 0) for c in range(4)]
    assert headers == ["表", "行号", "列", "问题"]
    first = [model.data(model.index(0, c)) for c in range(4)]
    assert first[:3] == ["价格", "5", "价格参数"]
    assert dialog.status_label.text() == (
        f"共 42 行，{len(EXPECTED_PROBLEMS)} 个问题。请修改文件，或选择只导入有效行。"
    )
    assert table_counts(ctx.services.db)["rooms"] == 0
    dialog.grab().save(str(tmp_path / "site_import.png"))

    dialog.start_import()  # all or nothing: refused
    _wait_idle(qtbot, dialog)
    assert "未导入任何数据" in dialog.status_label.text()
    assert table_counts(ctx.services.db)["rooms"] == 0

    dialog.valid_only_check.setChecked(True)
    dialog.start_import()
    _wait_idle(qtbot, dialog)
    assert dialog.status_label.text().startswith("导入完成：新增 16 行")
    assert table_counts(ctx.services.db)["rooms"] == 2

    dialog.export_to(tmp_path / "out.xlsx")
    _wait_idle(qtbot, dialog)
    assert dialog.status_label.text().endswith("：2 个房间，3 块表。")


def test_devices_page_offers_the_workbook_only_with_the_rights(
    ctx: PageContext, qtbot: QtBot
) -> None:
    admin_page = DevicesPage(ctx)
    qtbot.addWidget(admin_page)
    assert admin_page.site_button.text() == "站点导入/导出…"
    assert not admin_page.site_button.isHidden()
    electrician = PageContext(ctx.services, Actor(3, "elec", ROLES["electrician"][1]), ctx.tasks)
    page = DevicesPage(electrician)
    qtbot.addWidget(page)
    assert page.site_button.isHidden()
    opened: list[object] = []
    admin_page.open_dialog = opened.append
    admin_page.site_button.click()
    assert isinstance(opened[0], SiteImportDialog)
