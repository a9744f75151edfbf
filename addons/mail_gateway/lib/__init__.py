"""Plain Python logic of mail_gateway, free of the ORM and tested without a database."""
