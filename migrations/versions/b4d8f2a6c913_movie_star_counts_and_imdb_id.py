"""movies.star_counts (the MovieLens 1-5 star histogram) and movie_info.imdb_id (from the Douban subject page)

Both start empty: the next `flask movrec import` fills the histograms, the worker's next fetch the IMDb ids.

Revision ID: b4d8f2a6c913
Revises: e5b7c2a94d18
Create Date: 2026-11-30 01:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = 'b4d8f2a6c913'
down_revision = 'e5b7c2a94d18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('movies') as batch_op:
        batch_op.add_column(sa.Column('star_counts', sa.String(length=80), nullable=True))
    with op.batch_alter_table('movie_info') as batch_op:
        batch_op.add_column(sa.Column('imdb_id', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('movie_info') as batch_op:
        batch_op.drop_column('imdb_id')
    with op.batch_alter_table('movies') as batch_op:
        batch_op.drop_column('star_counts')
