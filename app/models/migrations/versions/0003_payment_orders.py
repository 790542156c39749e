"""payment orders: online payment order reference → account (PAY-3)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_payment_orders_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_payment_orders_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_orders")),
        sa.UniqueConstraint("order_no", name=op.f("uq_payment_orders_order_no")),
    )
    op.create_index(
        op.f("ix_payment_orders_account_id"), "payment_orders", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_payment_orders_account_id"), table_name="payment_orders")
    op.drop_table("payment_orders")
