"""E-mail to citizens: the outbox in the database, the messages, and sending them over SMTP."""
