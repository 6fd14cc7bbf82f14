-- A content warning the author puts on a post ("annonce d'un décès"): clients blur the post
-- behind it. At most 80 characters, checked when written; cleared when the post is deleted.
ALTER TABLE posts ADD COLUMN content_warning TEXT;
