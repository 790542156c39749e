"""Translated sentences for the errors of the operators, settings and first-run screens, and the
display names of roles and settings (registered with ``app.ui.messages`` on import)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app import errors
from app.domain.passwords import MIN_LENGTH
from app.ui import messages

ROLE_LABELS: dict[str, object] = {
    "admin": QT_TRANSLATE_NOOP("Roles", "Administrator"),
    "cashier": QT_TRANSLATE_NOOP("Roles", "Cashier"),
    "electrician": QT_TRANSLATE_NOOP("Roles", "Electricity manager"),
    "water_manager": QT_TRANSLATE_NOOP("Roles", "Water manager"),
    "utility_manager": QT_TRANSLATE_NOOP("Roles", "Water & power manager"),
    "supervisor": QT_TRANSLATE_NOOP("Roles", "Supervisor"),
}


def role_label(code: str, fallback: str = "") -> str:
    source = ROLE_LABELS.get(code)
    if source is None:
        return fallback or code
    return QCoreApplication.translate("Roles", str(source))


SETTING_LABELS: dict[str, object] = {
    "site.name": QT_TRANSLATE_NOOP("SettingLabels", "Site name"),
    "receipt.header": QT_TRANSLATE_NOOP("SettingLabels", "Receipt header"),
    "alerts.warn_fen": QT_TRANSLATE_NOOP("SettingLabels", "Low balance warning"),
    "alerts.urgent_fen": QT_TRANSLATE_NOOP("SettingLabels", "Urgent balance warning"),
    "alerts.warn_days": QT_TRANSLATE_NOOP("SettingLabels", "Warn when days left"),
    "alerts.urgent_days": QT_TRANSLATE_NOOP("SettingLabels", "Urgent when days left"),
    "billing.cut_threshold_fen": QT_TRANSLATE_NOOP("SettingLabels", "Cut off below"),
    "billing.restore_threshold_fen": QT_TRANSLATE_NOOP("SettingLabels", "Restore from"),
    "billing.property_fee_linkage": QT_TRANSLATE_NOOP(
        "SettingLabels", "Cut when property fee is unpaid"
    ),
    "billing.property_fee": QT_TRANSLATE_NOOP("SettingLabels", "Property fee"),
    "control.cut_water": QT_TRANSLATE_NOOP("SettingLabels", "Also close water valves"),
    "collector.read_interval_s": QT_TRANSLATE_NOOP("SettingLabels", "Meter read interval"),
    "collector.time_sync_at": QT_TRANSLATE_NOOP("SettingLabels", "Daily clock sync at"),
    "collector.max_clock_drift_s": QT_TRANSLATE_NOOP("SettingLabels", "Allowed clock drift"),
    "ui.idle_lock_minutes": QT_TRANSLATE_NOOP("SettingLabels", "Lock the desk after"),
    "notify.tenant_channels": QT_TRANSLATE_NOOP("SettingLabels", "Channels for tenants"),
    "notify.staff_channels": QT_TRANSLATE_NOOP("SettingLabels", "Channels for staff"),
    "notify.staff_phones": QT_TRANSLATE_NOOP("SettingLabels", "Staff phones"),
    "notify.staff_emails": QT_TRANSLATE_NOOP("SettingLabels", "Staff e-mail addresses"),
    "notify.webhook.url": QT_TRANSLATE_NOOP("SettingLabels", "Group robot webhook URL"),
    "notify.webhook.key_secret": QT_TRANSLATE_NOOP("SettingLabels", "Webhook key entry"),
    "notify.webhook.mention_tenant": QT_TRANSLATE_NOOP("SettingLabels", "Mention the tenant"),
    "notify.sms.url": QT_TRANSLATE_NOOP("SettingLabels", "SMS gateway URL"),
    "notify.sms.sign": QT_TRANSLATE_NOOP("SettingLabels", "SMS signature"),
    "notify.sms.api_key_secret": QT_TRANSLATE_NOOP("SettingLabels", "SMS API key entry"),
    "notify.sms.api_secret_secret": QT_TRANSLATE_NOOP("SettingLabels", "SMS API secret entry"),
    "notify.email.host": QT_TRANSLATE_NOOP("SettingLabels", "SMTP server"),
    "notify.email.port": QT_TRANSLATE_NOOP("SettingLabels", "SMTP port"),
    "notify.email.security": QT_TRANSLATE_NOOP("SettingLabels", "Encryption"),
    "notify.email.user": QT_TRANSLATE_NOOP("SettingLabels", "SMTP user"),
    "notify.email.password_secret": QT_TRANSLATE_NOOP("SettingLabels", "SMTP password entry"),
    "notify.email.from": QT_TRANSLATE_NOOP("SettingLabels", "Sender address"),
}


def setting_label(key: str) -> str:
    source = SETTING_LABELS.get(key)
    return QCoreApplication.translate("SettingLabels", str(source)) if source else key


def _t(text: str) -> str:
    return QCoreApplication.translate("AdminMessages", text)


_PASSWORD_PROBLEMS = {
    "too_short": QT_TRANSLATE_NOOP(
        "AdminMessages", "The password must have at least {0} characters."
    ),
    "too_long": QT_TRANSLATE_NOOP("AdminMessages", "The password is too long."),
    "needs_letter_and_digit": QT_TRANSLATE_NOOP(
        "AdminMessages", "The password must contain both letters and digits."
    ),
    "same_as_login": QT_TRANSLATE_NOOP(
        "AdminMessages", "The password must not be the same as the login."
    ),
    "mismatch": QT_TRANSLATE_NOOP("AdminMessages", "The two passwords are not the same."),
    "same_as_current": QT_TRANSLATE_NOOP(
        "AdminMessages", "The new password must differ from the current one."
    ),
}


def password_problem_text(problem: str) -> str:
    source = _PASSWORD_PROBLEMS.get(problem)
    if source is None:
        return _t("The password cannot be used.")
    return _t(str(source)).format(MIN_LENGTH)


_OPERATOR_REASONS = {
    "duplicate_login": QT_TRANSLATE_NOOP("AdminMessages", "The login {0} is already taken."),
    "bad_login": QT_TRANSLATE_NOOP(
        "AdminMessages",
        "The login must be 2–32 letters, digits or . _ @ - and start with a letter or digit.",
    ),
    "empty_name": QT_TRANSLATE_NOOP("AdminMessages", "Enter the operator's name."),
    "unknown_role": QT_TRANSLATE_NOOP("AdminMessages", "Choose a role."),
    "unknown_building": QT_TRANSLATE_NOOP("AdminMessages", "A chosen building does not exist."),
    "empty_scope": QT_TRANSLATE_NOOP(
        "AdminMessages", "Choose at least one building, or all buildings."
    ),
    "last_admin": QT_TRANSLATE_NOOP(
        "AdminMessages",
        "{0} is the last active administrator: keep at least one administrator.",
    ),
    "self_deactivate": QT_TRANSLATE_NOOP(
        "AdminMessages", "You cannot deactivate the operator you are logged in as."
    ),
    "wrong_current_password": QT_TRANSLATE_NOOP("AdminMessages", "The current password is wrong."),
    "no_operator": QT_TRANSLATE_NOOP("AdminMessages", "Log in as an operator first."),
}


def _operator(e: errors.OperatorError) -> str:
    source = _OPERATOR_REASONS.get(e.reason)
    if source is None:
        return _t("The operator cannot be changed this way.")
    return _t(str(source)).format(e.login)


def _weak(e: errors.WeakPasswordError) -> str:
    return password_problem_text(e.problem)


_SETTING_REASONS = {
    "not_integer": QT_TRANSLATE_NOOP("AdminMessages", "{0}: enter a whole number."),
    "not_money": QT_TRANSLATE_NOOP(
        "AdminMessages", "{0}: enter yuan with at most two decimals, e.g. 50 or 12.50."
    ),
    "out_of_range": QT_TRANSLATE_NOOP("AdminMessages", "{0}: the value must be within {1}."),
    "empty": QT_TRANSLATE_NOOP("AdminMessages", "{0} must not be empty."),
    "too_long": QT_TRANSLATE_NOOP("AdminMessages", "{0} is too long (at most {1} characters)."),
    "bad_time": QT_TRANSLATE_NOOP("AdminMessages", "{0}: enter a time as HH:MM, e.g. 03:10."),
    "bad_choice": QT_TRANSLATE_NOOP("AdminMessages", "{0}: choose one of the offered values."),
    "bad_url": QT_TRANSLATE_NOOP(
        "AdminMessages", "{0}: enter an address starting with http:// or https://."
    ),
    "bad_email": QT_TRANSLATE_NOOP("AdminMessages", "{0}: {1} is not an e-mail address."),
    "bad_phone": QT_TRANSLATE_NOOP("AdminMessages", "{0}: {1} is not a phone number."),
    "bad_list": QT_TRANSLATE_NOOP("AdminMessages", "{0}: the list is not valid."),
    "bad_secret_name": QT_TRANSLATE_NOOP(
        "AdminMessages", "{0}: use letters, digits and . _ - only."
    ),
    "bad_property_fee": QT_TRANSLATE_NOOP("AdminMessages", "{0}: {1}"),
    "unknown_key": QT_TRANSLATE_NOOP("AdminMessages", "{0} is not a known setting."),
}
_ORDER = {
    "alerts.warn_fen": QT_TRANSLATE_NOOP(
        "AdminMessages", "The low balance warning must not be below the urgent warning."
    ),
    "alerts.urgent_fen": QT_TRANSLATE_NOOP(
        "AdminMessages", "The low balance warning must not be below the urgent warning."
    ),
    "billing.restore_threshold_fen": QT_TRANSLATE_NOOP(
        "AdminMessages", "The restore level must not be below the cut-off level."
    ),
    "billing.cut_threshold_fen": QT_TRANSLATE_NOOP(
        "AdminMessages", "The restore level must not be below the cut-off level."
    ),
}


def _setting(e: errors.SettingValueError) -> str:
    if e.reason == "order" and e.key in _ORDER:
        return _t(str(_ORDER[e.key]))
    source = _SETTING_REASONS.get(e.reason)
    if source is None:
        return _t("{0}: the value is not valid.").format(setting_label(e.key))
    detail = e.detail
    if e.reason == "out_of_range" and ".." in detail:
        low, high = detail.split("..", 1)
        detail = f"{low}–{high}"
    return _t(str(source)).format(setting_label(e.key), detail)


_SETUP_REASONS = {
    "connect": QT_TRANSLATE_NOOP("AdminMessages", "Cannot connect to the database: {0}"),
    "bad_url": QT_TRANSLATE_NOOP("AdminMessages", "The database address is not valid: {0}"),
    "bad_path": QT_TRANSLATE_NOOP(
        "AdminMessages", "The database file cannot be created there: {0}"
    ),
    "migrate": QT_TRANSLATE_NOOP("AdminMessages", "The database could not be prepared: {0}"),
    "not_empty_for_demo": QT_TRANSLATE_NOOP(
        "AdminMessages", "The demo site can only be loaded into an empty database."
    ),
}


def _setup(e: errors.DatabaseSetupError) -> str:
    source = _SETUP_REASONS.get(e.reason, _SETUP_REASONS["connect"])
    return _t(str(source)).format(e.detail)


_NOTIFY_REASONS = {
    "not_configured": QT_TRANSLATE_NOOP(
        "AdminMessages", "The channel is not configured yet: fill in and save its settings first."
    ),
    "no_recipient": QT_TRANSLATE_NOOP(
        "AdminMessages", "Enter the phone or e-mail address to send the test message to."
    ),
    "failed": QT_TRANSLATE_NOOP("AdminMessages", "Sending failed: {0}"),
    "secret": QT_TRANSLATE_NOOP("AdminMessages", "The channel's key is not available: {0}"),
}


def _notify(e: errors.NotifyTestError) -> str:
    source = _NOTIFY_REASONS.get(e.reason, _NOTIFY_REASONS["failed"])
    return _t(str(source)).format(e.detail)


for _kind, _fn in (
    (errors.OperatorError, _operator),
    (errors.WeakPasswordError, _weak),
    (errors.SettingValueError, _setting),
    (errors.DatabaseSetupError, _setup),
    (errors.NotifyTestError, _notify),
):
    messages.register(_kind, _fn)
