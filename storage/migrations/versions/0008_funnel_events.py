"""the application funnel: first messages, declined consent and refused answers, naming no one

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "funnelevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("funnelevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funnelevent_kind"), ["kind"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("funnelevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funnelevent_kind"))
    op.drop_table("funnelevent")
