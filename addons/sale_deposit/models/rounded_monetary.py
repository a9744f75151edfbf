from odoo import fields
from odoo.tools import float_repr


class RoundedMonetary(fields.Monetary):
    """A computed amount that reads as the currency shows it: 19.74, never 19.740000000000002.

    Odoo 11 rounds what a compute assigns to a monetary field with ``currency.round``, whose
    float_round multiplies back by the rounding (1974 x 0.01 = 19.740000000000002): the value kept
    and sent over RPC is the nearest float to the amount rounded to the currency's decimals.
    """

    def convert_to_cache(self, value, record, validate=True):
        value = super(RoundedMonetary, self).convert_to_cache(value, record, validate=validate)
        currency = record[self.currency_field] if validate else None
        if currency:
            value = float(float_repr(currency.round(value), currency.decimal_places))
        return value
