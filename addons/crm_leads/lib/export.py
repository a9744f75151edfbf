"""Pipeline exports without the ORM: weighted revenue, totals by stage and by month, CSV.

A row is a dict with ``name``, ``customer``, ``stage``, ``stage_sequence``, ``salesperson``,
``team``, ``closing`` (``YYYY-MM-DD`` or empty), ``expected_revenue`` and ``probability``.
"""
import csv
import io
import math

#: what makes a spreadsheet read a cell as a formula (or hide its start): = + - @ tab, CR
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: (row key, column width in characters) of the pipeline sheet and CSV, in order
COLUMNS = (("name", 40), ("customer", 30), ("stage", 18), ("salesperson", 22), ("team", 18),
           ("closing", 12), ("expected_revenue", 16), ("probability", 12), ("weighted_revenue", 16))


def amount(value):
    """A stored number as a finite float: NaN and infinities (leads stored before the web
    service refused them) count as 0, so that no total and no sheet breaks on them."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0.0
    return float(value)


def weighted(expected_revenue, probability):
    """Expected revenue times the probability (a percentage), rounded to the cent."""
    return round(amount(expected_revenue) * amount(probability) / 100.0, 2)


def with_weighted(rows):
    """The rows, each with its ``weighted_revenue``."""
    return [dict(row, weighted_revenue=weighted(row.get("expected_revenue"), row.get("probability")))
            for row in rows]


def _total(rows):
    return {"count": len(rows),
            "expected_revenue": round(sum(amount(row.get("expected_revenue")) for row in rows), 2),
            "weighted_revenue": round(sum(weighted(row.get("expected_revenue"), row.get("probability"))
                                          for row in rows), 2)}


def summarise(rows, no_date_label="-"):
    """``{"by_stage": [...], "by_month": [...], "total": {...}}``: each line a dict with
    ``label``, ``count``, ``expected_revenue`` and ``weighted_revenue``; stages in their
    pipeline order, months in time order (``YYYY-MM``; without a closing date last)."""
    stages, months = {}, {}
    for row in rows:
        stages.setdefault((row.get("stage_sequence") or 0, row.get("stage") or no_date_label), []).append(row)
        closing = row.get("closing") or ""
        months.setdefault(closing[:7] or "~", []).append(row)
    by_stage = [dict(_total(group), label=key[1]) for key, group in sorted(stages.items())]
    by_month = [dict(_total(group), label=no_date_label if key == "~" else key)
                for key, group in sorted(months.items())]
    return {"by_stage": by_stage, "by_month": by_month, "total": _total(rows)}


def csv_text(value):
    """A text cell that no spreadsheet runs as a formula: one starting with = + - @, a tab
    or a carriage return gets a leading apostrophe (shown as text, the value kept)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows):
    """The CSV lines of these rows (see ``to_csv``), without the header: a long export is
    written a chunk of rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in with_weighted(rows):
        line = []
        for key, _width in COLUMNS:
            value = row.get(key)
            if isinstance(value, float):
                value = ("%.2f" % amount(value)).replace(".", ",")
            else:
                # names, customers, stages... come from users and visitors
                value = csv_text(value)
            line.append("" if value is None or value is False else value)
        writer.writerow(line)
    return out.getvalue()


def csv_header(headers):
    """The first line of the CSV file, after the byte order mark (see ``to_csv``)."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(headers)
    return "\ufeff" + out.getvalue()


def to_csv(headers, rows):
    """CSV text that a French spreadsheet opens as is: UTF-8 with a byte order mark,
    ``;`` between fields, decimal comma for the amounts, no text cell run as a formula."""
    return csv_header(headers) + csv_lines(rows)
