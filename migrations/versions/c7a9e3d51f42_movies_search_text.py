"""movies: search_text, both titles folded in Python (case and accents) so search agrees on every database

Existing movies get theirs computed from their titles.

Revision ID: c7a9e3d51f42
Revises: 8d4e6b2f0c31
Create Date: 2026-11-29 22:52:00.000000

"""
import sqlalchemy as sa
from alembic import op

from webapp.services.folding import search_key

revision = 'c7a9e3d51f42'
down_revision = '8d4e6b2f0c31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('movies') as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    movies = sa.table('movies', sa.column('id', sa.Integer), sa.column('title', sa.String),
                      sa.column('raw_title', sa.String), sa.column('search_text', sa.Text))
    bind = op.get_bind()
    rows = bind.execute(sa.select(movies.c.id, movies.c.title, movies.c.raw_title)).all()
    if rows:
        bind.execute(movies.update().where(movies.c.id == sa.bindparam('movie_id'))
                     .values(search_text=sa.bindparam('folded')),
                     [{'movie_id': i, 'folded': search_key(f"{title}\n{raw}")} for i, title, raw in rows])


def downgrade():
    with op.batch_alter_table('movies') as batch_op:
        batch_op.drop_column('search_text')
