DROP TABLE outbox_emails;
DROP TABLE account_tokens;
ALTER TABLE members DROP COLUMN email_verified_at;
