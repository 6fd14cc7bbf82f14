DROP TABLE kind_changes;
