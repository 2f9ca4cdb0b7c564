"""People, their roles, fields of interest, firms and clinic sites, and sign-in records."""

import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    false,
    func,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..extensions import db
from .programs import PROGRAMS, pgy_on, training_status_on

person_roles = Table(
    "person_roles",
    db.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="RESTRICT"), primary_key=True),
)

person_fields = Table(
    "person_fields",
    db.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("fields.id", ondelete="RESTRICT"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Role(db.Model):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)

    def __repr__(self) -> str:
        return f"<Role {self.name}>"


class Field(db.Model):
    """A field of interest (residents) or of practice (faculty); names are unique ignoring case."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Firm(db.Model):
    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class ClinicSite(db.Model):
    __tablename__ = "clinic_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


# Names of fields, firms and clinic sites are unique ignoring case.
Index("uq_fields_name_lower", func.lower(Field.name), unique=True)
Index("uq_firms_name_lower", func.lower(Firm.name), unique=True)
Index("uq_clinic_sites_name_lower", func.lower(ClinicSite.name), unique=True)

PROGRAM_CHECK = "program IS NULL OR program IN ({})".format(", ".join(f"'{key}'" for key in PROGRAMS))


class Person(UserMixin, db.Model):
    """Anyone with an account. Resident and faculty details are empty for people without those roles."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(PROGRAM_CHECK, name="program_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(
            "coach_capacity IS NULL OR (coach_capacity >= 0 AND coach_capacity <= 50)",
            name="coach_capacity_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    program: Mapped[str | None] = mapped_column(String(32), index=True)
    is_stanbury: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    training_start_year: Mapped[int | None] = mapped_column(Integer)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    clinic_site_id: Mapped[int | None] = mapped_column(ForeignKey("clinic_sites.id"))
    coach_capacity: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    roles: Mapped[list[Role]] = relationship(secondary=person_roles, lazy="selectin")
    fields: Mapped[list[Field]] = relationship(secondary=person_fields, lazy="selectin", order_by=Field.name)
    firm: Mapped[Firm | None] = relationship(lazy="joined")
    clinic_site: Mapped[ClinicSite | None] = relationship(lazy="joined")

    # Flask-Login: the id in the session carries the session token, so rotating it signs out
    # every session and remember-me cookie at once.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    def has_role(self, name: str) -> bool:
        return name in self.role_names

    @property
    def is_resident(self) -> bool:
        return self.has_role("resident")

    @property
    def is_faculty(self) -> bool:
        return self.has_role("faculty")

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def program_label(self) -> str:
        return PROGRAMS[self.program].label if self.program in PROGRAMS else ""

    def pgy_on(self, day: date) -> int | None:
        return pgy_on(self.program, self.training_start_year, day, self.is_stanbury)

    def training_status_on(self, day: date) -> str:
        return training_status_on(self.program, self.training_start_year, day, self.is_stanbury)

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class AccessToken(db.Model):
    """A single-use link secret (invitation or password reset); only its SHA-256 is stored."""

    __tablename__ = "access_tokens"
    __table_args__ = (CheckConstraint("purpose IN ('invitation', 'reset')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class LoginAttempt(db.Model):
    """One sign-in attempt, kept for the admins' sign-in log. Passwords are never recorded."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    outcome: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
