-- Photos (issue 16). A media row is one uploaded image, decoded and re-encoded (no metadata
-- survives), stored as a few variants by the media store under its id; the row says who
-- uploaded it and what it is attached to. Unattached uploads are deleted by the scheduled
-- worker after a day. A post's or comment's media go with it (cascade); an uploader's media go
-- with the account (erasure deletes the files).
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    blurhash TEXT NOT NULL,
    -- The stored variants, `name:WxH` separated by commas (`320:320x240,full:1024x768`).
    variants TEXT NOT NULL,
    byte_size BIGINT NOT NULL CHECK (byte_size >= 0),
    -- NULL while unattached; then what it illustrates.
    attached_to TEXT CHECK (attached_to IN ('post', 'comment', 'avatar')),
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    attached_at TIMESTAMP,
    CHECK ((attached_to IS NULL) = (attached_at IS NULL)),
    CHECK ((COALESCE(attached_to, '') = 'post') = (post_id IS NOT NULL)),
    CHECK ((COALESCE(attached_to, '') = 'comment') = (comment_id IS NOT NULL))
);
CREATE INDEX media_owner_idx ON media (owner_id, id);
CREATE INDEX media_post_idx ON media (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX media_comment_idx ON media (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX media_unattached_idx ON media (created_at) WHERE attached_to IS NULL;
-- One avatar per member.
CREATE UNIQUE INDEX media_avatar_idx ON media (owner_id) WHERE attached_to = 'avatar';
