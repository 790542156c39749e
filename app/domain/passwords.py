"""The password rule for operators (SEC-1): long enough, letters and digits, not the login."""

from __future__ import annotations

from enum import StrEnum

MIN_LENGTH = 8
MAX_LENGTH = 128


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NEEDS_LETTER_AND_DIGIT = "needs_letter_and_digit"
    SAME_AS_LOGIN = "same_as_login"
    MISMATCH = "mismatch"


def password_problem(
    password: str, login: str = "", repeated: str | None = None
) -> PasswordProblem | None:
    """Why ``password`` may not be used (``None``: it may). ``repeated``: the second entry."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return PasswordProblem.NEEDS_LETTER_AND_DIGIT
    if login and password.strip().casefold() == login.strip().casefold():
        return PasswordProblem.SAME_AS_LOGIN
    if repeated is not None and repeated != password:
        return PasswordProblem.MISMATCH
    return None
