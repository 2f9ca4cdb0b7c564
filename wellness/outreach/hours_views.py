"""The coordinators' service-hours page and its CSV export."""

from flask import Response, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from ..charts import bar_chart
from ..dates import program_today
from ..events.display import program_tz
from ..people.permissions import can_manage_events, require
from ..people.programs import PROGRAM_CHOICES
from . import bp, hours, shifts


def _rows():
    program = request.args.get("program", "")
    level = request.args.get("level", "")
    year = shifts.this_academic_year()
    rows = hours.hours_rows(year, program_today(program_tz()), program if program in dict(PROGRAM_CHOICES) else "",
                            int(level) if level in ("1", "2", "3", "4") else None)  # fmt: skip
    return year, program, level, rows


@bp.route("/outreach/hours")
@login_required
def hours_report():
    require(can_manage_events(current_user))
    year, program, level, rows = _rows()
    svg = bar_chart(
        hours.program_and_class_bars(rows),
        unit=" h",
        empty="No hours yet.",
        title=f"Service hours {year}–{year + 1}",
    )
    chart = Markup(svg)  # noqa: S704 - bar_chart escapes every label and title it writes
    return render_template("outreach/hours.html", rows=rows, chart=chart, year=year, program=program,
                           level=level, programs=PROGRAM_CHOICES)  # fmt: skip


@bp.route("/outreach/hours.csv")
@login_required
def export_hours():
    require(can_manage_events(current_user))
    year, _program, _level, rows = _rows()
    return Response(
        hours.hours_csv(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="service-hours-{year}.csv"',
            "Cache-Control": "no-store",
        },
    )
