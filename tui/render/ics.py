"""The agenda as an RFC 5545 calendar (``calendario exportar``), written with the icalendar package.

One VEVENT per obligation, at its due time (UTC, so no VTIMEZONE is needed),
with a reminder a day before (VALARM) and the clause in the description; its
UID is the obligation's key (``rotation:a12@resguardo``), so importing a newer
export updates the event instead of adding a second one. Non-working days
(holidays and the institution's declared days) are all-day events that do not
block time.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Alarm, Calendar, Event

from policy.clock import local
from policy.labels import KIND_LABELS
from policy.obligations import Obligation
from policy.profile import short_document
from tui.core.schedule import AgendaEvents

#: The domain part of every UID (RFC 5545 asks for a globally unique id; the key is unique per database).
UID_DOMAIN = "resguardo"
#: When the reminder fires, before the due time.
REMINDER = timedelta(days=1)


def obligation_uid(item: Obligation) -> str:
    return f"{item.key}@{UID_DOMAIN}"


def _subject(item: Obligation) -> str:
    if item.account is not None:
        return item.account.ref
    return item.person.name if item.person is not None else "Institución"


def render_ics(events: AgendaEvents) -> bytes:
    """The ICS bytes of ``events``."""
    calendar = Calendar()
    calendar.add("prodid", "-//resguardo//agenda//ES")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"resguardo — {events.profile.short_name}")
    stamp = events.now.astimezone(UTC)
    profile = events.profile
    for item in events.items:
        label = KIND_LABELS.get(item.kind, str(item.kind))
        clause = f"{short_document(profile, item.rule)} {item.rule.section}".strip()
        event = Event()
        event.add("uid", obligation_uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due.astimezone(UTC))
        event.add("summary", f"{label}: {_subject(item)}")
        description = f"{item.message}\n\nCláusula: {clause}"
        if item.rule.quote:
            description += f" — «{item.rule.quote}»"
        description += f"\nClave en resguardo: {item.key}"
        if item.standing:
            description += f"\nHallazgo vigente desde el {local(item.due).strftime('%d/%m/%Y')}."
        event.add("description", description)
        event.add("categories", [label])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{label}: {_subject(item)}")
        alarm.add("trigger", -REMINDER)
        event.add_component(alarm)
        calendar.add_component(event)
    for off in events.non_working:
        event = Event()
        event.add("uid", f"inhabil-{off.day.strftime('%Y%m%d')}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", off.day)
        event.add("dtend", off.day + timedelta(days=1))
        event.add("summary", f"Día inhábil: {off.reason}")
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Día inhábil"])
        calendar.add_component(event)
    return calendar.to_ical()
