"""Use cases over the database: one public method = one unit of work; DTOs out."""

from __future__ import annotations

from app.services.accounts import AccountService
from app.services.alarms import AlarmService
from app.services.cashier import CashierService
from app.services.control import ControlService
from app.services.devices import DeviceService
from app.services.meter_swap import MeterSwapService
from app.services.monitoring import MonitoringService
from app.services.notifications import NotificationService
from app.services.operators import OperatorService
from app.services.overview import OverviewService
from app.services.parameters import ParameterService
from app.services.readings import ReadingService
from app.services.receipts import ReceiptService
from app.services.reports import ReportService
from app.services.settings import SettingsService
from app.services.settlement import SettlementService
from app.services.unit_of_work import Database


class Services:
    """The service objects for one database, built once by the composition root."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.accounts = AccountService(db)
        self.cashier = CashierService(db)
        self.settings = SettingsService(db)
        self.receipts = ReceiptService(db)
        self.reports = ReportService(db)
        self.alarms = AlarmService(db)
        self.readings = ReadingService(db)
        self.settlement = SettlementService(db)
        self.notifications = NotificationService(db)
        self.operators = OperatorService(db)
        self.control = ControlService(db)
        self.parameters = ParameterService(db)
        self.overview = OverviewService(db)
        self.monitoring = MonitoringService(db)
        self.devices = DeviceService(db)
        self.meter_swap = MeterSwapService(db)

    @classmethod
    def for_url(cls, url: str) -> Services:
        return cls(Database(url))


__all__ = [
    "AccountService",
    "AlarmService",
    "CashierService",
    "ControlService",
    "Database",
    "DeviceService",
    "MeterSwapService",
    "MonitoringService",
    "NotificationService",
    "OperatorService",
    "OverviewService",
    "ParameterService",
    "ReadingService",
    "ReceiptService",
    "ReportService",
    "Services",
    "SettingsService",
    "SettlementService",
]
