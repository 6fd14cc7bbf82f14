DELETE FROM media WHERE format IN ('mp4', 'mov');
CREATE TABLE media_old (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    blurhash TEXT NOT NULL,
    variants TEXT NOT NULL,
    byte_size BIGINT NOT NULL CHECK (byte_size >= 0),
    attached_to TEXT CHECK (attached_to IN ('post', 'comment', 'avatar')),
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    attached_at TIMESTAMP,
    CHECK ((attached_to IS NULL) = (attached_at IS NULL)),
    CHECK ((COALESCE(attached_to, '') = 'post') = (post_id IS NOT NULL)),
    CHECK ((COALESCE(attached_to, '') = 'comment') = (comment_id IS NOT NULL))
);
INSERT INTO media_old (id, owner_id, format, width, height, blurhash, variants, byte_size,
    attached_to, post_id, comment_id, created_at, attached_at)
SELECT id, owner_id, format, width, height, blurhash, variants, byte_size,
    attached_to, post_id, comment_id, created_at, attached_at
FROM media;
DROP TABLE media;
ALTER TABLE media_old RENAME TO media;
CREATE INDEX media_owner_idx ON media (owner_id, id);
CREATE INDEX media_post_idx ON media (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX media_comment_idx ON media (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX media_unattached_idx ON media (created_at) WHERE attached_to IS NULL;
CREATE UNIQUE INDEX media_avatar_idx ON media (owner_id) WHERE attached_to = 'avatar';
