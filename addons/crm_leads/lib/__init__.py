"""Plain Python logic of crm_leads, free of the ORM and tested without a database."""
