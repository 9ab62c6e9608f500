"""watchlist and hidden_movies: the movies a member wants to see, and those kept out of their picks

Revision ID: e5b7c2a94d18
Revises: c7a9e3d51f42
Create Date: 2026-11-30 01:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = 'e5b7c2a94d18'
down_revision = 'c7a9e3d51f42'
branch_labels = None
depends_on = None

TABLES = ('watchlist', 'hidden_movies')  # the same columns (webapp.models.MovieMark)


def upgrade():
    for table in TABLES:
        op.create_table(table,
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('movie_id', sa.Integer(), nullable=False),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f(f'fk_{table}_movie_id_movies'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f(f'fk_{table}_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'movie_id', name=op.f(f'pk_{table}'))
        )
        op.create_index(op.f(f'ix_{table}_movie_id'), table, ['movie_id'], unique=False)


def downgrade():
    for table in TABLES:
        op.drop_index(op.f(f'ix_{table}_movie_id'), table_name=table)
        op.drop_table(table)
