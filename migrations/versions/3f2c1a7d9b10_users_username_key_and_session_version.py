"""users: a unique normalised username key, and a session version that sign-out moves on

Existing accounts get the key of their name. Where two existing names share a key (made before the key
existed, e.g. "Twin0" and "tWIN0"), the oldest account keeps it and each later one gets "<key>#<id>", which no
typed name matches: those accounts could not sign in before either (sign-in took the first match); the
migration logs them.

Revision ID: 3f2c1a7d9b10
Revises: 994a974d2a88
Create Date: 2026-11-29 22:50:00.000000

"""
import logging

import sqlalchemy as sa
from alembic import op

from webapp.services.folding import username_key

revision = '3f2c1a7d9b10'
down_revision = '994a974d2a88'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('username_key', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('username_key', sa.String))
    bind = op.get_bind()
    taken = set()
    for user_id, name in bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all():
        key = username_key(name)
        if key in taken:
            log.warning("account %s (%r) shares its name with an older account: its key is %r, so it cannot "
                        "sign in by name", user_id, name, f"{key}#{user_id}")
            key = f"{key}#{user_id}"
        taken.add(key)
        bind.execute(users.update().where(users.c.id == user_id).values(username_key=key))
    with op.batch_alter_table('users') as batch_op:
        batch_op.alter_column('username_key', existing_type=sa.String(length=160), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_username_key'), ['username_key'])


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_username_key'), type_='unique')
        batch_op.drop_column('session_version')
        batch_op.drop_column('username_key')
