"""user_roles: admin rights stored per account, with who granted them and when

Revision ID: 8d4e6b2f0c31
Revises: 3f2c1a7d9b10
Create Date: 2026-11-29 22:51:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '8d4e6b2f0c31'
down_revision = '3f2c1a7d9b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_roles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', name='role', native_enum=False, create_constraint=False, length=16),
              nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin')", name=op.f('ck_user_roles_role')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )


def downgrade():
    op.drop_table('user_roles')
