import io
import re
import zipfile
from xml.etree import ElementTree

from unittest.mock import patch

from ..models import crm_lead_export

from .common import IntakeCase

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_xlsx(content):
    """{sheet name: [[cell values of each row]]} of an xlsx file, read with zipfile."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    strings = []
    if "xl/sharedStrings.xml" in archive.namelist():
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        strings = ["".join(node.itertext()) for node in root.findall("x:si", NS)]
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = {}
    for index, sheet in enumerate(workbook.find("x:sheets", NS), start=1):
        root = ElementTree.fromstring(archive.read("xl/worksheets/sheet%d.xml" % index))
        rows = []
        for row in root.iter("{%s}row" % NS["x"]):
            values = {}
            for cell in row.findall("x:c", NS):
                column = re.match(r"[A-Z]+", cell.get("r")).group(0)
                raw = cell.find("x:v", NS)
                if raw is None and cell.find("x:f", NS) is None:
                    continue
                if cell.find("x:f", NS) is not None:
                    value = ("formula", cell.find("x:f", NS).text)
                else:
                    value = strings[int(raw.text)] if cell.get("t") == "s" else float(raw.text)
                values[ord(column) - ord("A")] = value
            rows.append([values.get(col, "") for col in range(max(values) + 1)] if values else [])
        sheets[sheet.get("name")] = rows
    return sheets


class TestPipelineExport(IntakeCase):

    @classmethod
    def setUpClass(cls):
        super(TestPipelineExport, cls).setUpClass()
        Stage = cls.env["crm.stage"]
        cls.qualified = Stage.create({"name": "Qualifié (test)", "sequence": 901, "probability": 10})
        cls.proposal = Stage.create({"name": "Proposition (test)", "sequence": 902, "probability": 40})
        common = {"type": "opportunity", "team_id": cls.team.id, "user_id": cls.alice.id}
        cls.opportunities = cls.Lead.create(dict(common, name="Toiture Martin", stage_id=cls.proposal.id,
                                                 planned_revenue=1000, probability=40, date_deadline="2031-06-10",
                                                 partner_name="Martin SARL"))
        cls.opportunities |= cls.Lead.create(dict(common, name="Fenêtres Dupuis", stage_id=cls.qualified.id,
                                                  planned_revenue=3000, probability=10, date_deadline="2031-06-28"))
        cls.opportunities |= cls.Lead.create(dict(common, name="Isolation Bernard", stage_id=cls.proposal.id,
                                                  planned_revenue=500, probability=50, date_deadline="2031-07-01",
                                                  user_id=cls.bob.id))

    def test_manager_downloads_the_pipeline_in_excel_with_totals(self):
        # when the manager prints the three opportunities as Excel
        report = self.env.ref("crm_leads.action_report_pipeline_xlsx").sudo(self.manager)
        content, kind = report.render_xlsx(self.opportunities.ids, {})
        self.assertEqual(kind, "xlsx")
        sheets = read_xlsx(content)
        # then the pipeline sheet lists them by expected closing with their weighted revenue
        pipeline = sheets["Pipeline"]
        self.assertEqual(pipeline[0][0], "Opportunity")
        self.assertEqual([row[0] for row in pipeline[1:4]], ["Toiture Martin", "Fenêtres Dupuis", "Isolation Bernard"])
        self.assertEqual(pipeline[1][1], "Martin SARL")
        self.assertEqual(pipeline[3][3], "Bob Vendeur")
        self.assertEqual(pipeline[1][6:9], [1000.0, 40.0, 400.0])
        self.assertEqual(pipeline[4][0], "Total")
        self.assertEqual((pipeline[4][6], pipeline[4][8]), (4500.0, 400.0 + 300.0 + 250.0))
        # and the forecast sheet totals by stage in pipeline order and by month
        forecast = sheets["Forecast"]
        self.assertEqual(forecast[1], ["Qualifié (test)", 1.0, 3000.0, 300.0])
        self.assertEqual(forecast[2], ["Proposition (test)", 2.0, 1500.0, 650.0])
        months = {row[0]: row[1:] for row in forecast if row and row[0] in ("2031-06", "2031-07")}
        self.assertEqual(months, {"2031-06": [2.0, 4000.0, 700.0], "2031-07": [1.0, 500.0, 250.0]})

    def test_csv_export_opens_in_a_french_spreadsheet(self):
        text = self.opportunities.sudo(self.manager)._pipeline_export_csv()
        lines = text.lstrip("\ufeff").splitlines()
        self.assertEqual(lines[0].split(";")[0], "Opportunity")
        self.assertEqual(lines[1], "Toiture Martin;Martin SARL;Proposition (test);Alice Vendeuse;Web France;"
                                   "2031-06-10;1000,00;40,00;400,00")
        self.assertEqual(len(lines), 4)

    def test_pdf_summary_shows_totals_by_stage_and_month(self):
        report = self.env.ref("crm_leads.action_report_pipeline_summary").sudo(self.manager)
        html = report.render_qweb_html(self.opportunities.ids)[0].decode("utf-8")
        self.assertIn("Pipeline Summary", html)
        self.assertIn("Proposition (test)", html)
        self.assertIn("2031-07", html)
        # totals: 4,500.00 expected and 950.00 weighted (French company: euros)
        self.assertRegex(html, r"o_pipeline_expected[^>]*>(<[^>]*>)?4,500\.00")
        self.assertRegex(html, r"o_pipeline_weighted[^>]*>(<[^>]*>)?950\.00")

    def test_export_actions_cover_the_open_pipeline_and_respect_access(self):
        # from the Reporting menu, without a selection: the open pipeline (not the won deals)
        won = self.Lead.create({"name": "Gagné", "type": "opportunity", "team_id": self.team.id,
                                "planned_revenue": 9000, "probability": 100})
        action = self.Lead.sudo(self.manager).browse().action_pipeline_export("pdf")
        self.assertEqual(action["report_name"], "crm_leads.report_pipeline_summary")
        self.assertLessEqual(set(self.opportunities.ids), set(action["context"]["active_ids"]))
        self.assertNotIn(won.id, action["context"]["active_ids"])
        csv_action = self.opportunities.sudo(self.manager).action_pipeline_export("csv")
        self.assertEqual(csv_action["url"],
                         "/crm_leads/pipeline.csv?ids=%s" % ",".join(map(str, self.opportunities.ids)))
        # a salesperson of another team exports nothing of this team
        rows = self.Lead.sudo(self.carol).search(self.Lead._pipeline_export_domain())._pipeline_export_rows()
        self.assertFalse([row for row in rows if row["team"] == "Web France"])

    def test_names_typed_by_visitors_are_exported_as_text_never_as_formulas(self):
        # given an opportunity whose name and company a visitor typed as formulas
        evil = self.Lead.create({"name": '=HYPERLINK("http://evil.example","Facture")', "type": "opportunity",
                                 "team_id": self.team.id, "partner_name": "@SUM(1+1)", "planned_revenue": 10})
        # then the Excel cells read back as the same text, not as formulas
        report = self.env.ref("crm_leads.action_report_pipeline_xlsx").sudo(self.manager)
        pipeline = read_xlsx(report.render_xlsx(evil.ids, {})[0])["Pipeline"]
        self.assertEqual(pipeline[1][:2], ['=HYPERLINK("http://evil.example","Facture")', "@SUM(1+1)"])
        # and the CSV cells start with an apostrophe, which spreadsheets show as text
        line = evil.sudo(self.manager)._pipeline_export_csv().splitlines()[1]
        self.assertTrue(line.startswith('"\'=HYPERLINK(""http://evil.example"",""Facture"")";\'@SUM(1+1);'), line)

    def test_a_long_selection_is_downloaded_without_its_ids_in_the_address(self):
        with patch.object(crm_lead_export, "MAX_IDS_IN_URL", 2):
            action = self.opportunities.sudo(self.manager).action_pipeline_export("csv")
        # the address names a selection kept for the manager, not the ids
        self.assertRegex(action["url"], r"^/crm_leads/pipeline\.csv\?selection=\d+$")
        selection = self.env["crm.lead.export.selection"].sudo(self.manager).browse(
            int(action["url"].split("=")[1]))
        self.assertEqual(sorted(selection.lead_ids()), sorted(self.opportunities.ids))
        # the whole pipeline needs no id at all
        self.assertEqual(self.Lead.sudo(self.manager).browse().action_pipeline_export("csv")["url"],
                         "/crm_leads/pipeline.csv")
