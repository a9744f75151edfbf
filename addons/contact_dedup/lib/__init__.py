"""Plain Python logic of contact_dedup, free of the ORM and tested without a database."""
