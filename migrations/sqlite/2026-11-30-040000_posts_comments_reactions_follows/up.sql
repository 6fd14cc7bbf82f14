-- Who may read a member's activity wall (their wall posts): private, members or public.
ALTER TABLE members ADD COLUMN wall_visibility TEXT NOT NULL DEFAULT 'members'
    CHECK (wall_visibility IN ('private', 'members', 'public'));

-- A post lives in a group (group_id) or on its author's wall (group_id NULL).
-- Ids are UUID v7: ordering by id is ordering by creation, which the feeds' keyset scans use.
CREATE TABLE posts (
    id TEXT PRIMARY KEY NOT NULL,
    author_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    group_id TEXT REFERENCES discussion_groups (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    deleted_at TIMESTAMP,
    pinned_at TIMESTAMP,
    comment_count BIGINT NOT NULL DEFAULT 0,
    support_count BIGINT NOT NULL DEFAULT 0,
    thanks_count BIGINT NOT NULL DEFAULT 0,
    same_here_count BIGINT NOT NULL DEFAULT 0,
    hug_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX posts_group_id_idx ON posts (group_id, id);
CREATE INDEX posts_author_id_idx ON posts (author_id, id);

-- Threaded comments: parent_id is the comment replied to; depth 0 answers the post.
CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    depth INTEGER NOT NULL CHECK (depth >= 0),
    author_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    deleted_at TIMESTAMP,
    support_count BIGINT NOT NULL DEFAULT 0,
    thanks_count BIGINT NOT NULL DEFAULT 0,
    same_here_count BIGINT NOT NULL DEFAULT 0,
    hug_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX comments_post_id_idx ON comments (post_id, id);

-- One reaction per member, target and kind.
CREATE TABLE post_reactions (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('support', 'thanks', 'same_here', 'hug')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, member_id, kind)
);
CREATE INDEX post_reactions_member_idx ON post_reactions (member_id, post_id);

CREATE TABLE comment_reactions (
    comment_id TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('support', 'thanks', 'same_here', 'hug')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, member_id, kind)
);
CREATE INDEX comment_reactions_member_idx ON comment_reactions (member_id, comment_id);

CREATE TABLE follows (
    follower_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    followed_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (follower_id, followed_id),
    CHECK (follower_id <> followed_id)
);
CREATE INDEX follows_followed_idx ON follows (followed_id, follower_id);
