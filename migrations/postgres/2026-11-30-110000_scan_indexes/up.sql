-- SQLite only (see the SQLite tree): PostgreSQL reads the heap row of an index entry before it
-- applies a filter, so covering the filter columns would cost every insert and gain no read.
-- The version exists here too so that both trees stay in step.
SELECT 1;
