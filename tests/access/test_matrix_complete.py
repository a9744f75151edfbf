"""A model of our addons cannot ship without its row in the access matrix."""
import access_matrix as matrix
from access_rpc import OUR_ADDONS


def test_every_model_of_our_addons_is_in_the_matrix(world):
    """Every model our addons define or extend (ir.model's ``modules``) has its entry, and
    every entry that is walked names records the fixtures built."""
    rows = world.admin.call("ir.model", "search_read", [], ["model", "modules", "transient"])
    ours = {row["model"]: row for row in rows
            if set((row["modules"] or "").replace(" ", "").split(",")) & set(OUR_ADDONS)}
    missing = sorted(set(ours) - set(matrix.MODELS))
    assert not missing, "models of our addons missing from tests/access/access_matrix.py: %s" % missing
    for model, spec in matrix.MODELS.items():
        assert spec["kind"] in ("checked", "stock", "abstract", "transient"), model
        assert spec["addon"] in OUR_ADDONS, model
        if model in ours and ours[model]["transient"]:
            assert spec["kind"] in ("transient", "stock"), "%s is a wizard: kind 'transient'" % model
        if spec["kind"] != "checked":
            assert spec.get("note"), "%s: say why its rights are not walked" % model
            continue
        unknown = set().union(*(cell["read"] | cell["write"] | cell["unlink"] for cell in spec["rights"].values()))
        assert unknown <= set(spec["records"].split()), (model, unknown - set(spec["records"].split()))
        assert set(spec["rights"]) <= set(matrix.ROLES), model
        built = [name for name in spec["records"].split() if world.ids_of(name)]
        assert built, "%s: no fixture record was built" % model


def test_every_role_is_walked():
    """Each role of the issue has its way of being checked."""
    assert set(matrix.ROLES) == set(matrix.RPC_ROLES) | set(matrix.API_ROLES) | {"public"}
