-- Cleared again; the backfill fills them with whatever function the binary has.
UPDATE members SET pseudonym_skeleton = NULL;
