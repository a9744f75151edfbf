"""Plain Python logic of recurring_billing, free of the ORM and tested without a database."""
