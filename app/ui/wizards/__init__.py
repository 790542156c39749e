"""Wizards: Qt skins over the Qt-free flows in app.domain."""
