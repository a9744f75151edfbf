"""Plain Python logic of sale_deposit, free of the ORM and tested without a database."""
