DROP TRIGGER kind_changes_auth ON kind_changes;
DROP TRIGGER members_auth_delete ON members;
DROP TRIGGER members_auth_update ON members;
DROP TRIGGER sessions_auth_delete ON sessions;
DROP TRIGGER sessions_auth_update ON sessions;
DROP FUNCTION entraide_auth_notify();
