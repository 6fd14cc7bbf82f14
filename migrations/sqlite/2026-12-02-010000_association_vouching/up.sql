-- Private groups of an association admit at once only the members an admin of the association
-- vouched for (approved their request, gave them a role, or founded it with them): joining an
-- open association is not enough.
ALTER TABLE association_memberships ADD COLUMN vouched BOOLEAN NOT NULL DEFAULT FALSE;
-- Existing rows: only active admins and volunteers were certainly vouched for; plain members
-- cannot be told from open joins, so they are not (they keep the groups they are in).
UPDATE association_memberships SET vouched = TRUE
WHERE status = 'active' AND role IN ('admin', 'volunteer');
-- `open_membership` now defaults to false in the API and the domain. The SQLite column keeps its
-- DEFAULT TRUE: changing a default means rebuilding `associations`, which a dozen tables
-- reference with ON DELETE CASCADE, inside a transaction where foreign keys cannot be turned
-- off. Entraide always writes the column explicitly, so the default is never used.
