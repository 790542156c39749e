"""Database handle and unit of work: one service method = one ``with uow:`` = one transaction."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.models.db import create_db_engine, is_sqlite, make_session_factory, normalize_url
from app.services.rawsql import forget_connection


class Database:
    """An engine and its session factory for one database URL."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = normalize_url(url)
        self.engine = engine or create_db_engine(self.url)
        self.session_factory: sessionmaker[Session] = make_session_factory(self.engine)
        self.is_sqlite = is_sqlite(self.url)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self)

    def upgrade(self) -> str:
        from app.models.migrate import upgrade

        return upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """Commits only when ``commit()`` is called; any other exit rolls back."""

    session: Session

    def __init__(self, db: Database) -> None:
        self.db = db

    def __enter__(self) -> UnitOfWork:
        self.session = self.db.session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        forget_connection(self.session)
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        forget_connection(self.session)
        self.session.commit()

    def rollback(self) -> None:
        forget_connection(self.session)
        self.session.rollback()

    @property
    def for_update(self) -> bool:
        """Whether ``SELECT … FOR UPDATE`` means anything (SQLite serialises writers instead)."""
        return not self.db.is_sqlite
