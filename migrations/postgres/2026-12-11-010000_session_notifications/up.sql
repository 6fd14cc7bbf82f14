-- Sessions checked in memory (issue 17). Each server process keeps the sessions it checked in
-- memory and must forget a member's as soon as anything an authenticated request depends on
-- changes: a session revoked or deleted, the member's kind, platform role or suspension, a
-- waiting kind change, the member erased. The server forgets them itself after its own writes;
-- these triggers tell every process of the database about every such write, whoever made it
-- (another node, the CLI, an operator in psql): NOTIFY entraide_auth with the member's id,
-- delivered at commit (identical notifications of one transaction are sent once).
-- TG_ARGV[0] names the column that holds the member's id.
CREATE FUNCTION entraide_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('entraide_auth', to_jsonb(OLD) ->> TG_ARGV[0]);
        RETURN OLD;
    END IF;
    PERFORM pg_notify('entraide_auth', to_jsonb(NEW) ->> TG_ARGV[0]);
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[0]) IS DISTINCT FROM (to_jsonb(NEW) ->> TG_ARGV[0]) THEN
        PERFORM pg_notify('entraide_auth', to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER sessions_auth_update AFTER UPDATE OF revoked_at, member_id ON sessions
    FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.member_id IS DISTINCT FROM NEW.member_id)
    EXECUTE FUNCTION entraide_auth_notify('member_id');
CREATE TRIGGER sessions_auth_delete AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION entraide_auth_notify('member_id');

CREATE TRIGGER members_auth_update AFTER UPDATE OF kind, role, suspended_until ON members
    FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind
          OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.suspended_until IS DISTINCT FROM NEW.suspended_until)
    EXECUTE FUNCTION entraide_auth_notify('id');
CREATE TRIGGER members_auth_delete AFTER DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION entraide_auth_notify('id');

CREATE TRIGGER kind_changes_auth AFTER INSERT OR UPDATE OR DELETE ON kind_changes
    FOR EACH ROW EXECUTE FUNCTION entraide_auth_notify('member_id');
