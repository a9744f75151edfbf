"""Pipeline figures and CSV, without a database."""
from .. import export

ROWS = [
    {"name": "Toiture", "stage": "Proposition", "stage_sequence": 2, "closing": "2031-06-10",
     "expected_revenue": 1000.0, "probability": 40.0, "customer": "Martin"},
    {"name": "Fenêtres", "stage": "Qualifié", "stage_sequence": 1, "closing": "2031-06-28",
     "expected_revenue": 3000.0, "probability": 10.0},
    {"name": "Isolation", "stage": "Proposition", "stage_sequence": 2, "closing": "2031-07-01",
     "expected_revenue": 500.0, "probability": 50.0},
    {"name": "Sans date", "stage": "Qualifié", "stage_sequence": 1, "closing": False,
     "expected_revenue": 200.0, "probability": 0.0},
]


def test_summary_by_stage_in_pipeline_order_and_by_month():
    summary = export.summarise(ROWS)
    assert [(line["label"], line["count"], line["expected_revenue"], line["weighted_revenue"])
            for line in summary["by_stage"]] == [("Qualifié", 2, 3200.0, 300.0), ("Proposition", 2, 1500.0, 650.0)]
    assert [(line["label"], line["count"], line["weighted_revenue"]) for line in summary["by_month"]] == [
        ("2031-06", 2, 700.0), ("2031-07", 1, 250.0), ("-", 1, 0.0)]
    assert summary["total"] == {"count": 4, "expected_revenue": 4700.0, "weighted_revenue": 950.0}


def test_csv_opens_in_a_french_spreadsheet():
    text = export.to_csv([label for label, _width in export.COLUMNS], ROWS[:1])
    assert text.startswith("\ufeffname;customer;")
    line = text.splitlines()[1]
    assert line == "Toiture;Martin;Proposition;;;2031-06-10;1000,00;40,00;400,00"


def test_csv_cells_from_visitors_are_never_formulas():
    rows = [dict(ROWS[0], name='=HYPERLINK("http://evil.example","x")', customer="@SUM(A1)", stage="-2+3",
                 salesperson="+33 6 12", team="\tTeam")]
    line = export.to_csv([label for label, _width in export.COLUMNS], rows).splitlines()[1]
    assert line.startswith('"\'=HYPERLINK(""http://evil.example"",""x"")";\'@SUM(A1);\'-2+3;\'+33 6 12;\'\tTeam;')
    # amounts stay numbers
    assert line.endswith(";1000,00;40,00;400,00")
    assert export.csv_text("Toiture") == "Toiture" and export.csv_text(None) is None


def test_csv_written_a_chunk_of_rows_at_a_time_is_the_same_file():
    headers = [label for label, _width in export.COLUMNS]
    chunked = export.csv_header(headers) + "".join(export.csv_lines([row]) for row in ROWS)
    assert chunked == export.to_csv(headers, ROWS)
    assert chunked.count("\ufeff") == 1 and len(chunked.splitlines()) == len(ROWS) + 1
