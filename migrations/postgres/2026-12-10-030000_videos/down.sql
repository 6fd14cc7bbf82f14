DELETE FROM media WHERE format IN ('mp4', 'mov');
ALTER TABLE media DROP CONSTRAINT media_avatar_image_check;
ALTER TABLE media DROP CONSTRAINT media_video_blurhash_check;
ALTER TABLE media DROP CONSTRAINT media_video_duration_check;
ALTER TABLE media DROP COLUMN duration_ms;
ALTER TABLE media ALTER COLUMN blurhash SET NOT NULL;
ALTER TABLE media DROP CONSTRAINT media_format_check;
ALTER TABLE media ADD CONSTRAINT media_format_check CHECK (format IN ('jpeg', 'png', 'webp'));
