-- Videos (issue 16): the media table takes MP4 and QuickTime videos, kept as uploaded (their
-- metadata boxes blanked), with their length; a video has no BlurHash. SQLite cannot change a
-- CHECK in place: the table is rebuilt (nothing references it).
CREATE TABLE media_new (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'mp4', 'mov')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    blurhash TEXT,
    variants TEXT NOT NULL,
    byte_size BIGINT NOT NULL CHECK (byte_size >= 0),
    attached_to TEXT CHECK (attached_to IN ('post', 'comment', 'avatar')),
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    attached_at TIMESTAMP,
    duration_ms BIGINT CHECK (duration_ms >= 0),
    CHECK ((attached_to IS NULL) = (attached_at IS NULL)),
    CHECK ((COALESCE(attached_to, '') = 'post') = (post_id IS NOT NULL)),
    CHECK ((COALESCE(attached_to, '') = 'comment') = (comment_id IS NOT NULL)),
    -- An image has a BlurHash and no length; a video a length and no BlurHash.
    CHECK ((format IN ('mp4', 'mov')) = (duration_ms IS NOT NULL)),
    CHECK ((format IN ('mp4', 'mov')) = (blurhash IS NULL)),
    -- An avatar is an image.
    CHECK (COALESCE(attached_to, '') <> 'avatar' OR format NOT IN ('mp4', 'mov'))
);
INSERT INTO media_new (id, owner_id, format, width, height, blurhash, variants, byte_size,
    attached_to, post_id, comment_id, created_at, attached_at, duration_ms)
SELECT id, owner_id, format, width, height, blurhash, variants, byte_size,
    attached_to, post_id, comment_id, created_at, attached_at, NULL
FROM media;
DROP TABLE media;
ALTER TABLE media_new RENAME TO media;
CREATE INDEX media_owner_idx ON media (owner_id, id);
CREATE INDEX media_post_idx ON media (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX media_comment_idx ON media (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX media_unattached_idx ON media (created_at) WHERE attached_to IS NULL;
CREATE UNIQUE INDEX media_avatar_idx ON media (owner_id) WHERE attached_to = 'avatar';
