"""The first-run flow without Qt: which steps, and what each needs."""

from __future__ import annotations

from app.domain.first_run import Backend, FirstRunState, Probe, Problem, Step
from app.domain.passwords import PasswordProblem


def test_empty_database_asks_for_admin_and_offers_demo() -> None:
    s = FirstRunState(sqlite_path="")
    assert s.problem(Step.DATABASE) is Problem.NO_PATH
    s.sqlite_path = "/tmp/x.db"
    assert s.problem(Step.DATABASE) is Problem.NOT_TESTED
    s.probe = Probe(None, False, False)
    assert s.problem(Step.DATABASE) is None
    assert s.next_step(Step.DATABASE) is Step.ADMIN
    assert s.next_step(Step.ADMIN) is Step.DEMO
    assert s.next_step(Step.DEMO) is Step.APPLY
    assert s.next_step(Step.APPLY) is None
    s.sqlite_path = "/tmp/y.db"
    s.database_changed()
    assert s.problem(Step.DATABASE) is Problem.NOT_TESTED


def test_existing_database_with_admin_skips_to_apply() -> None:
    s = FirstRunState(sqlite_path="/tmp/x.db", probe=Probe("0003", True, True))
    assert s.next_step(Step.DATABASE) is Step.APPLY
    s.probe = Probe("0003", True, False)
    assert s.next_step(Step.DATABASE) is Step.ADMIN
    assert s.next_step(Step.ADMIN) is Step.APPLY


def test_postgresql_url_rules() -> None:
    s = FirstRunState(backend=Backend.POSTGRESQL)
    for url, problem in (
        ("", Problem.BAD_URL),
        ("mysql://u@h/db", Problem.BAD_URL),
        ("postgresql://u@host", Problem.BAD_URL),
        ("postgresql://u:pw@host/db", Problem.URL_HAS_PASSWORD),
        ("postgresql://u@host:5432/db", Problem.NOT_TESTED),
    ):
        s.pg_url = url
        assert s.database_problem() is problem, url


def test_admin_rules() -> None:
    s = FirstRunState(admin_login="a", admin_name="管理员", password="Abcd-1234")
    assert s.admin_problem() is Problem.BAD_LOGIN
    s.admin_login = "admin"
    s.admin_name = " "
    assert s.admin_problem() is Problem.NO_NAME
    s.admin_name = "管理员"
    s.password2 = "Abcd-12345"
    assert s.admin_problem() is PasswordProblem.MISMATCH
    s.password2 = "Abcd-1234"
    assert s.admin_problem() is None
    s.password = s.password2 = "abcdefgh"
    assert s.admin_problem() is PasswordProblem.NEEDS_LETTER_AND_DIGIT
