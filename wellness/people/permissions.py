"""Permission predicates: pure functions of the acting person, used by views and templates alike."""

from flask import abort


def _roles(person) -> set[str]:
    if person is None or not getattr(person, "is_authenticated", False):
        return set()
    if not person.is_active:
        return set()
    return person.role_names


def is_staff(person) -> bool:
    """Coordinators and admins run the program's records."""
    return bool(_roles(person) & {"coordinator", "admin"})


def is_admin(person) -> bool:
    return "admin" in _roles(person)


def can_manage_people(person) -> bool:
    return is_staff(person)


def can_import_roster(person) -> bool:
    return is_staff(person)


def can_manage_fields(person) -> bool:
    return is_staff(person)


def can_view_person(viewer, person) -> bool:
    """Staff see everyone; anyone else sees only their own page."""
    return is_staff(viewer) or (viewer is not None and getattr(viewer, "id", None) == person.id)


def can_grant_role(actor, role_name: str) -> bool:
    """Coordinators grant resident and faculty; only admins grant coordinator or admin."""
    if role_name in ("coordinator", "admin"):
        return is_admin(actor)
    return is_staff(actor)


def can_edit_person(actor, person) -> bool:
    """Staff edit people; a coordinator cannot edit an admin (who could then be locked out)."""
    if not is_staff(actor):
        return False
    return is_admin(actor) or not person.has_role("admin")


def can_deactivate_person(actor, person) -> bool:
    return can_edit_person(actor, person) and actor.id != person.id


def can_view_sign_in_log(person) -> bool:
    return is_admin(person)


def can_view_outbox(person) -> bool:
    """The mail outbox shows everyone's notices, so only admins see it (and retry its messages)."""
    return is_admin(person)


def can_manage_events(person) -> bool:
    """Coordinators create, edit, publish and cancel events, keep groups, and answer for others."""
    return is_staff(person)


def can_edit_event(person, event) -> bool:
    return is_staff(person)


def is_organiser(person, event) -> bool:
    person_id = getattr(person, "id", None)
    return person_id is not None and any(organiser.id == person_id for organiser in event.organisers)


def can_check_in(person, event) -> bool:
    """Organisers and coordinators check people in and see an event's lists."""
    return is_staff(person) or (bool(_roles(person)) and is_organiser(person, event))


def can_view_event_history(person) -> bool:
    return is_staff(person)


def can_build_agenda(person) -> bool:
    """Coordinators build retreat agendas: sessions, facilitators, seats and eligibility."""
    return is_staff(person)


def is_facilitator(person, session) -> bool:
    person_id = getattr(person, "id", None)
    return person_id is not None and any(lead.person_id == person_id for lead in session.facilitators)


def can_see_session_roster(person, session) -> bool:
    """A session's roster is for the faculty leading it and for coordinators."""
    return is_staff(person) or is_facilitator(person, session)


def can_manage_coaching(person) -> bool:
    """Coordinators and admins pair coaches; they see pairings and meeting counts, never content."""
    return is_staff(person)


def is_in_pairing(person, pairing) -> bool:
    """The resident or the coach of the pairing: the only people who see its meetings."""
    return bool(_roles(person)) and person.id in (pairing.resident_id, pairing.coach_id)


def can_see_pairing(person, pairing) -> bool:
    """A pairing is for its two people and for coordinators; to anyone else it does not exist (404)."""
    return is_in_pairing(person, pairing) or can_manage_coaching(person)


def can_run_sgim(person) -> bool:
    """Coordinators run the SGIM meeting: details, eligibility, invitations, funding, coverage, the ledger."""
    return is_staff(person)


def can_see_trip(person, attendance) -> bool:
    """A resident's SGIM trip (answer, funding, reimbursement, coverage) is for them and for coordinators;
    to anyone else it does not exist (404), since another resident must never see someone's funding."""
    return (bool(_roles(person)) and person.id == attendance.person_id) or can_run_sgim(person)


def require(allowed: bool, *, hide: bool = False) -> None:
    """Abort with 403, or 404 where the object's existence is itself private."""
    if not allowed:
        abort(404 if hide else 403)


PREDICATES = {
    name: value
    for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value)
}
