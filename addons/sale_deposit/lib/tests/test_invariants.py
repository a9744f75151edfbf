from .. import invariants


def facts(**values):
    base = dict(
        reference="S00042", digits=2, order_total=1200, kept_total=1200, vat_due=200,
        goods_invoiced=1200, indemnity=0, penalty=0, vat_booked=200, deposit_balance=0,
        deposit_balance_company=0, fully_invoiced=True, cancelled=False, settled=False,
        open_deposit_invoices=[], open_documents=0, tolerance_units=3)
    base.update(values)
    return invariants.OrderFacts(**base)


def test_an_order_invoiced_once_with_its_deposit_deducted_passes():
    assert invariants.check(facts()) == []


def test_an_unpaid_deposit_left_undeducted_is_caught():
    # 360 deposit invoice + 1 200 final invoice for a 1 200 order; 4191 still credited by 300
    errors = invariants.check(facts(goods_invoiced=1560, vat_booked=260, deposit_balance=-300,
                                    deposit_balance_company=-300))
    assert "S00042: 1560.00 invoiced for goods, more than the order's total of 1200.00" in errors
    assert "S00042 (fully invoiced): the deposit account shows -300.00, zero expected" in errors
    assert "S00042 (fully invoiced): 260.00 of VAT in the tax lines, 200.00 due" in errors


def test_a_forfeit_by_hand_made_entry_leaves_the_vat_in_the_tax_report():
    # arrhes kept: the hand-made entry reversed 4457 without a tax line, the avoir is missing
    errors = invariants.check(facts(cancelled=True, fully_invoiced=False, goods_invoiced=360, vat_booked=60,
                                    indemnity=0))
    assert "S00042 (cancelled): 360.00 invoiced for goods, 0 expected" in errors
    assert "S00042 (cancelled): 60.00 of VAT in the tax lines, 0 due" in errors


def test_kept_earnest_money_and_double_refund_are_within_the_law():
    assert invariants.check(facts(cancelled=True, fully_invoiced=False, goods_invoiced=0, vat_booked=0,
                                  indemnity=360)) == []
    assert invariants.check(facts(cancelled=True, fully_invoiced=False, goods_invoiced=0, vat_booked=0,
                                  penalty=360)) == []


def test_an_exchange_residue_on_the_deposit_account_is_caught():
    errors = invariants.check(facts(deposit_balance=0, deposit_balance_company=12.5))
    assert errors == ["S00042 (fully invoiced): the deposit account shows 12.50 in the company's currency, "
                      "zero expected"]


def test_documents_left_open_against_each_other_once_settled():
    errors = invariants.check(facts(settled=True, open_deposit_invoices=["INV/2026/0001"], open_documents=2))
    assert errors == ["S00042 (settled): documents left open against each other: INV/2026/0001"]


def test_an_order_in_progress_is_only_bounded_by_its_total():
    assert invariants.check(facts(fully_invoiced=False, goods_invoiced=360, vat_booked=60,
                                  deposit_balance=-300)) == []
    assert invariants.check(facts(fully_invoiced=False, goods_invoiced=1200.04)) != []
