"""staff web desk: sign-in links, sessions, notes between staff and claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 07:01:29

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "staffsigninlink",
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("secret_hash"),
    )
    op.create_table(
        "staffwebsession",
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("form_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("secret_hash"),
    )
    op.create_table(
        "staffnote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staffnote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staffnote_applicant_id"), ["applicant_id"], unique=False)
    op.create_table(
        "staffclaim",
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("staff", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["applicant_id"], ["applicant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("applicant_id"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("staffclaim")
    with op.batch_alter_table("staffnote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staffnote_applicant_id"))
    op.drop_table("staffnote")
    op.drop_table("staffwebsession")
    op.drop_table("staffsigninlink")
