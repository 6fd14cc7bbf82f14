DROP TABLE messages;
DROP TABLE conversation_participants;
DROP TABLE conversations;
ALTER TABLE members DROP COLUMN messages_from;
