-- Found by the attacker review of moderation:
-- the log keeps whether a decision answered an urgent report (those never show in a group's
-- log: they are for platform moderators only);
ALTER TABLE moderation_actions ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
-- the safety net's own reports are told apart from those of an erased reporter (both have no
-- reporter);
ALTER TABLE reports ADD COLUMN automatic BOOLEAN NOT NULL DEFAULT FALSE;
-- what the reported content said when it was reported (an author may edit it before the
-- decision): the first 500 characters, cleared when the author erases their content.
ALTER TABLE reports ADD COLUMN excerpt TEXT;
