-- The look-alike key now starts from the upper case (`domain::member::confusable_key`), so a
-- small `i` and a capital `I` give one key. Keys computed the old way are cleared here and
-- computed again in Rust right after the migrations run (`persistence::members::backfill_skeletons`,
-- oldest member first; a member whose key an older member holds keeps NULL).
UPDATE members SET pseudonym_skeleton = NULL;
