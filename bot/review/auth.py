"""Console users, passwords, sessions, CSRF tokens and the login rate limit.

- Passwords are hashed with Argon2id (argon2-cffi defaults); there is no default
  account: the first admin is created on the command line (bot.review.cli).
- A session is a random token in an HttpOnly cookie; the database keeps only its
  SHA-256, so reading the table gives no usable session. Sessions end after
  ``session_idle_minutes`` without a request or ``session_max_hours`` in all.
- Every state-changing form carries the session's CSRF token (synchronizer
  token); the login form, which has no session yet, uses a double-submit cookie.
- Failed logins are counted per user name and per client address in a moving
  window (``bot/common/rate_limit.py``, in Redis when ``LES_RATE_LIMIT_REDIS_URL`` is
  set); past the limit, login answers 429 even for the right password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Engine

from bot.review import db

ROLES = ("reviewer", "admin")
MIN_PASSWORD_CHARS = 12
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal user names.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


class UserError(ValueError):
    """A user cannot be created or changed as asked (shown to the admin as is)."""


def check_password_strength(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if username.lower() in password.lower():
        raise UserError("the password must not contain the user name")


def create_user(engine: Engine, username: str, password: str, role: str) -> User:
    username = username.strip().lower()
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 80 or not all(ch.isalnum() or ch in "._-@" for ch in username):
        raise UserError("user names are 1-80 letters, digits and . _ - @")
    check_password_strength(password, username)
    with engine.begin() as connection:
        if connection.execute(sa.select(db.users.c.id).where(db.users.c.username == username)).first():
            raise UserError(f"user {username!r} already exists")
        user_id = connection.execute(db.users.insert().values(
            username=username, password_hash=_hasher.hash(password), role=role, active=True,
            created_at=time.time())).inserted_primary_key[0]
    return User(user_id, username, role)


def set_password(engine: Engine, username: str, password: str) -> None:
    check_password_strength(password, username)
    with engine.begin() as connection:
        updated = connection.execute(db.users.update().where(db.users.c.username == username.lower())
                                     .values(password_hash=_hasher.hash(password)))
        if not updated.rowcount:
            raise UserError(f"no user {username!r}")
        _end_sessions(connection, username)


def set_active(engine: Engine, username: str, active: bool) -> None:
    with engine.begin() as connection:
        updated = connection.execute(db.users.update().where(db.users.c.username == username.lower())
                                     .values(active=active))
        if not updated.rowcount:
            raise UserError(f"no user {username!r}")
        if not active:
            _end_sessions(connection, username)


def set_role(engine: Engine, username: str, role: str) -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    with engine.begin() as connection:
        updated = connection.execute(db.users.update().where(db.users.c.username == username.lower())
                                     .values(role=role))
        if not updated.rowcount:
            raise UserError(f"no user {username!r}")
        _end_sessions(connection, username)


def _end_sessions(connection: sa.engine.Connection, username: str) -> None:
    user_ids = sa.select(db.users.c.id).where(db.users.c.username == username.lower()).scalar_subquery()
    connection.execute(db.sessions.delete().where(db.sessions.c.user_id == user_ids))


def list_users(engine: Engine) -> list[sa.engine.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(
            db.users.c.username, db.users.c.role, db.users.c.active, db.users.c.created_at,
            db.users.c.last_login_at).order_by(db.users.c.username)))


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The user when the password matches an active account, else None (constant-ish time)."""
    with engine.connect() as connection:
        row = connection.execute(sa.select(db.users).where(db.users.c.username == username.strip().lower())
                                 ).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(stored):
        with engine.begin() as connection:
            connection.execute(db.users.update().where(db.users.c.id == row.id)
                               .values(password_hash=_hasher.hash(password)))
    return User(row.id, row.username, row.role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Engine, user: User) -> str:
    """A new session for the user; returns the cookie value (never stored as is)."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(db.sessions.insert().values(
            token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
            created_at=now, last_seen_at=now))
        connection.execute(db.users.update().where(db.users.c.id == user.id).values(last_login_at=now))
    return token


def load_session(engine: Engine, token: str | None, idle_minutes: int, max_hours: int) -> Session | None:
    """The live session for a cookie value, refreshing its idle timer; None if expired."""
    if not token:
        return None
    now = time.time()
    digest = _digest(token)
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(db.sessions, db.users.c.username, db.users.c.role, db.users.c.active)
            .select_from(db.sessions.join(db.users, db.users.c.id == db.sessions.c.user_id))
            .where(db.sessions.c.token_hash == digest)).first()
        if row is None:
            return None
        expired = (now - row.last_seen_at > idle_minutes * 60 or now - row.created_at > max_hours * 3600
                   or not row.active)
        if expired:
            connection.execute(db.sessions.delete().where(db.sessions.c.token_hash == digest))
            return None
        if now - row.last_seen_at > 30:  # spare a write on every request
            connection.execute(db.sessions.update().where(db.sessions.c.token_hash == digest)
                               .values(last_seen_at=now))
    return Session(User(row.user_id, row.username, row.role), row.csrf_token)


def end_session(engine: Engine, token: str | None) -> None:
    if token:
        with engine.begin() as connection:
            connection.execute(db.sessions.delete().where(db.sessions.c.token_hash == _digest(token)))


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of CSRF tokens; missing is never a match."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
