DROP INDEX events_single_idx;
DROP INDEX posts_scan_idx;
