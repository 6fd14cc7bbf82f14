-- Videos (issue 16): the media table takes MP4 and QuickTime videos, kept as uploaded (their
-- metadata boxes blanked), with their length; a video has no BlurHash.
ALTER TABLE media DROP CONSTRAINT media_format_check;
ALTER TABLE media ADD CONSTRAINT media_format_check
    CHECK (format IN ('jpeg', 'png', 'webp', 'mp4', 'mov'));
ALTER TABLE media ALTER COLUMN blurhash DROP NOT NULL;
ALTER TABLE media ADD COLUMN duration_ms BIGINT CHECK (duration_ms >= 0);
-- An image has a BlurHash and no length; a video a length and no BlurHash.
ALTER TABLE media ADD CONSTRAINT media_video_duration_check
    CHECK ((format IN ('mp4', 'mov')) = (duration_ms IS NOT NULL));
ALTER TABLE media ADD CONSTRAINT media_video_blurhash_check
    CHECK ((format IN ('mp4', 'mov')) = (blurhash IS NULL));
-- An avatar is an image.
ALTER TABLE media ADD CONSTRAINT media_avatar_image_check
    CHECK (COALESCE(attached_to, '') <> 'avatar' OR format NOT IN ('mp4', 'mov'));
