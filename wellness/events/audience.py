"""Who an event is for: everyone, or residents of some programs and levels, plus members of groups."""

from datetime import date

from ..people.programs import PROGRAMS


def in_audience(event, person, group_ids: set[int], on: date) -> bool:
    """Whether `person` is in the event's audience.

    Programs and levels narrow each other (primary-care juniors: program primary care AND PGY-2);
    either alone means every level of those programs, or every program at those levels. The PGY is
    the one the person has on `on`, the event's first day. Members of any of the event's groups are
    in the audience whatever their role. Organisers always are.
    """
    if event.is_for_everyone:
        return True
    if any(organiser.id == person.id for organiser in event.organisers):
        return True
    if group_ids & {group.id for group in event.groups}:
        return True
    programs, levels = event.program_keys, event.levels
    if not (programs or levels) or not person.is_resident:
        return False
    if programs and person.program not in programs:
        return False
    return not levels or person.pgy_on(on) in levels


def describe(event, with_groups: bool = True) -> str:
    """The audience in words, e.g. "Primary care residents, PGY-2" or "Everyone".

    Without groups (public feeds), group names give way to "members of invited groups": a group's
    name can say something about its members.
    """
    if event.is_for_everyone:
        return "Everyone"
    parts = []
    programs = [PROGRAMS[key].label for key in event.program_keys if key in PROGRAMS]
    levels = ", ".join(f"PGY-{level}" for level in event.levels)
    if programs or levels:
        who = (" and ".join(programs) + " residents") if programs else "Residents"
        parts.append(f"{who}, {levels}" if levels else who)
    if with_groups:
        parts.extend(group.name for group in event.groups)
    elif event.groups:
        parts.append("members of invited groups" if parts else "Members of invited groups")
    return "; ".join(parts) or "Organisers only"
