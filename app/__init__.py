"""水电统一收费监管平台 — prepaid water and electricity billing desk."""

__version__ = "0.1.0"
APP_NAME = "shuidian"
