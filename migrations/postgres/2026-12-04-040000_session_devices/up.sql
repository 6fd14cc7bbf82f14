-- What a member sees of each of their sessions so they can tell them apart: the client's
-- User-Agent at login, cleaned and cut to 200 characters (no IP address is kept).
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
