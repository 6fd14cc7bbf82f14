-- Issue 16, sponsor transparency. Groups, associations, events and resources may declare who
-- stands behind them: a name, the kind of body and the nature of the link (a comma-separated,
-- ordered subset of funding, organisation, content). All three are set together or none.
ALTER TABLE discussion_groups ADD COLUMN sponsor_name TEXT;
ALTER TABLE discussion_groups ADD COLUMN sponsor_kind TEXT;
ALTER TABLE discussion_groups ADD COLUMN sponsor_links TEXT;
ALTER TABLE associations ADD COLUMN sponsor_name TEXT;
ALTER TABLE associations ADD COLUMN sponsor_kind TEXT;
ALTER TABLE associations ADD COLUMN sponsor_links TEXT;
ALTER TABLE events ADD COLUMN sponsor_name TEXT;
ALTER TABLE events ADD COLUMN sponsor_kind TEXT;
ALTER TABLE events ADD COLUMN sponsor_links TEXT;
ALTER TABLE resources ADD COLUMN sponsor_name TEXT;
ALTER TABLE resources ADD COLUMN sponsor_kind TEXT;
ALTER TABLE resources ADD COLUMN sponsor_links TEXT;
