DROP TABLE notification_digests;
DROP TABLE scheduled_notices;
