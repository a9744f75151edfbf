"""Plain Python logic of lead_scoring, free of the ORM and tested without a database."""
