"""Admin rights as stored grants: given and taken by `flask movrec admin`, listed on the admin pages."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Role, User, UserRole
from webapp.services.folding import username_key


class UnknownAccount(LookupError):
    """No account has that name."""


def account_named(name: str) -> User:
    """The account whose name is `name` however it is written (`username_key`), else `UnknownAccount`."""
    user = db.session.scalar(select(User).where(User.username_key == username_key(name)))
    if user is None:
        raise UnknownAccount(name)
    return user


def grant_admin(name: str, granted_by: str) -> tuple[UserRole, bool]:
    """Make the account named `name` an admin, recording who granted it and when; returns the grant and whether
    it is new (granting twice keeps the first grant)."""
    user = account_named(name)
    grant = db.session.get(UserRole, (user.id, Role.ADMIN))
    if grant is not None:
        return grant, False
    grant = UserRole(user_id=user.id, role=Role.ADMIN, granted_by=granted_by)
    db.session.add(grant)
    db.session.commit()
    return grant, True


def revoke_admin(name: str) -> bool:
    """Take admin rights from the account named `name`; False when it had none."""
    user = account_named(name)
    removed = db.session.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == Role.ADMIN))
    db.session.commit()
    return removed.rowcount > 0


def admin_grants() -> list[UserRole]:
    """Every admin grant with its account, oldest first."""
    query = (select(UserRole).where(UserRole.role == Role.ADMIN).options(joinedload(UserRole.user))
             .order_by(UserRole.granted_at, UserRole.user_id))
    return list(db.session.scalars(query))
