-- The look-alike key of a pseudonym (UTS #39 confusable skeleton, case-folded:
-- `domain::member::Pseudonym::skeleton`), unique so that nobody signs as someone else with
-- "PauI" or a Cyrillic "Рере". SQL cannot compute a skeleton: new and renamed members get it
-- from the API, and rows from before this migration are filled in Rust right after the
-- migrations run (`persistence::members::backfill_skeletons`), oldest member first; a row
-- whose skeleton an older member already holds keeps NULL (its pseudonym stays, but nobody
-- else can take one like it). NULLs do not collide in a unique index, on either database.
ALTER TABLE members ADD COLUMN pseudonym_skeleton TEXT;
CREATE UNIQUE INDEX members_pseudonym_skeleton_key ON members (pseudonym_skeleton);
