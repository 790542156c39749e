"""SQLAlchemy models: importing this package registers every table on ``Base.metadata``."""

from app.models.account import Account
from app.models.audit import AuditEntry
from app.models.base import Base
from app.models.command import Alarm, Command
from app.models.gateway import Bus, Gateway
from app.models.ledger import LedgerEntry, Receipt, ReceiptSequence
from app.models.meter import MeasurementPoint, Meter, Tariff, TariffVersion
from app.models.operator import Operator, Role, Setting, operator_buildings
from app.models.payment import PaymentOrder
from app.models.reading import Reading
from app.models.settlement import Lease, Notification, ParameterTemplate, SettlementState
from app.models.site import Building, Floor, Occupancy, Room, Site, Tenant

__all__ = [
    "Account",
    "Alarm",
    "AuditEntry",
    "Base",
    "Building",
    "Bus",
    "Command",
    "Floor",
    "Gateway",
    "Lease",
    "LedgerEntry",
    "MeasurementPoint",
    "Meter",
    "Notification",
    "Occupancy",
    "Operator",
    "ParameterTemplate",
    "PaymentOrder",
    "Reading",
    "Receipt",
    "ReceiptSequence",
    "Role",
    "Room",
    "Setting",
    "SettlementState",
    "Site",
    "Tariff",
    "TariffVersion",
    "Tenant",
    "operator_buildings",
]
