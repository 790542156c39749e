"""Enumerations shared by every layer (values are what the database stores)."""

from __future__ import annotations

from enum import StrEnum


class EntryKind(StrEnum):
    TOP_UP = "top_up"
    REFUND = "refund"
    ELECTRICITY_CHARGE = "electricity_charge"
    WATER_CHARGE = "water_charge"
    PROPERTY_FEE = "property_fee"
    SUBSIDY_GRANT = "subsidy_grant"
    SUBSIDY_EXPIRY = "subsidy_expiry"
    ADJUSTMENT = "adjustment"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    REVERSAL = "reversal"
    OPENING = "opening_balance"


class Category(StrEnum):
    PAYMENT = "payment"
    ELECTRICITY = "electricity"
    WATER = "water"
    PROPERTY = "property"
    SUBSIDY = "subsidy"
    OTHER = "other"


class Pocket(StrEnum):
    CASH = "cash"
    SUBSIDY = "subsidy"


class Channel(StrEnum):
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    CARD = "card"
    BANK = "bank"
    SYSTEM = "system"


TOP_UP_CHANNELS = (Channel.CASH, Channel.WECHAT, Channel.ALIPAY, Channel.CARD, Channel.BANK)


class AccountState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class RoomType(StrEnum):
    SHOP = "shop"
    DORMITORY = "dormitory"
    OFFICE = "office"
    ENTERPRISE = "enterprise"
