from unittest.mock import patch

from odoo.tests.common import HttpCase, at_install, post_install

from ..models import crm_lead_export
from .common import HttpEnvMixin


@at_install(False)
@post_install(True)
class TestPipelineExportDownload(HttpEnvMixin, HttpCase):
    """The whole-pipeline CSV, downloaded as the web client's export action opens it."""

    def test_the_whole_pipeline_downloads_in_chunks_in_order(self):
        # given open opportunities with and without a closing date, in two stages, and a won one
        with self._http_env() as env:
            Stage = env["crm.stage"]
            first = Stage.create({"name": "Découverte (flux)", "sequence": 950, "probability": 10})
            second = Stage.create({"name": "Négociation (flux)", "sequence": 951, "probability": 60})
            common = {"type": "opportunity", "planned_revenue": 1000, "probability": 50}
            for name, stage, closing in (("Flux D", first, False), ("Flux B", second, "2032-01-05"),
                                         ("Flux A", first, "2032-01-05"), ("Flux C", first, "2032-02-01"),
                                         ("=Flux E", second, "2031-12-31")):
                env["crm.lead"].create(dict(common, name=name, stage_id=stage.id, date_deadline=closing))
            env["crm.lead"].create(dict(common, name="Flux gagné", probability=100))
        # when the manager downloads the whole pipeline, read two leads at a time
        self.authenticate("admin", "admin")
        with patch.object(crm_lead_export, "EXPORT_CHUNK", 2):
            response = self.url_open("/crm_leads/pipeline.csv", timeout=60)
        # then it is one French CSV file, by closing date then stage, the undated last, the
        # formula written as text, the won deal left out
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/csv"))
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeffOpportunity;"))
        names = [line.split(";")[0] for line in text.splitlines() if "Flux" in line.split(";")[0]]
        self.assertEqual(names, ["'=Flux E", "Flux A", "Flux B", "Flux C", "Flux D"])
        self.assertIn("Flux A;;Découverte (flux);", text)
