//! Video links in posts and comments become previews — a player to embed, a thumbnail — for an
//! allow-list of providers (YouTube, Vimeo, PeerTube instances), **without the server fetching
//! anything**: the preview is derived from the link alone. The video id is checked against the
//! provider's id format and every address in the preview is rebuilt from it on the provider's
//! own host, so a member's link can never make a reader's browser (or the server) call a host of
//! the member's choosing. YouTube embeds use the privacy-enhanced `youtube-nocookie.com` host
//! and Vimeo's `dnt=1`: a health community's readers are not tracked by merely scrolling.

use url::{Host, Url};

use crate::ParseError;

/// At most this many previews per text (the first links, in order, without repeats).
pub const MAX_PREVIEWS: usize = 4;

/// PeerTube instances whose links become previews (each instance is its own host: only those
/// listed here are trusted to serve an embed). Add one by a code change, reviewed.
pub const PEERTUBE_INSTANCES: [&str; 4] = [
    "framatube.org",
    "peertube.fr",
    "video.blender.org",
    "tube.tchncs.de",
];

/// Where a video is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoProvider {
    Youtube,
    Vimeo,
    Peertube,
}

wire_enum!(VideoProvider, "provider", "unknown_provider",
    Youtube => "youtube", Vimeo => "vimeo", Peertube => "peertube");

/// A preview of a linked video: everything in it is rebuilt from the checked id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoPreview {
    pub provider: VideoProvider,
    /// The provider's id of the video.
    pub video_id: String,
    /// The canonical address of the video's page.
    pub url: String,
    /// The address of the provider's player, for an `<iframe>`.
    pub embed_url: String,
    /// A still image, where the provider serves one at a fixed address (YouTube).
    pub thumbnail_url: Option<String>,
}

/// YouTube ids: 11 characters of `[A-Za-z0-9_-]`.
fn youtube_id(raw: &str) -> Option<String> {
    (raw.len() == 11
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then(|| raw.to_owned())
}

/// Vimeo ids: 1 to 12 digits.
fn vimeo_id(raw: &str) -> Option<String> {
    (!raw.is_empty() && raw.len() <= 12 && raw.bytes().all(|b| b.is_ascii_digit()))
        .then(|| raw.to_owned())
}

/// PeerTube ids: a UUID, or a short UUID (22 base58 characters).
fn peertube_id(raw: &str) -> Option<String> {
    if uuid::Uuid::try_parse(raw).is_ok() {
        return Some(raw.to_ascii_lowercase());
    }
    const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    (raw.len() == 22 && raw.bytes().all(|b| BASE58.contains(&b))).then(|| raw.to_owned())
}

fn youtube(id: String) -> VideoPreview {
    VideoPreview {
        provider: VideoProvider::Youtube,
        url: format!("https://www.youtube.com/watch?v={id}"),
        embed_url: format!("https://www.youtube-nocookie.com/embed/{id}"),
        thumbnail_url: Some(format!("https://i.ytimg.com/vi/{id}/hqdefault.jpg")),
        video_id: id,
    }
}

fn vimeo(id: String) -> VideoPreview {
    VideoPreview {
        provider: VideoProvider::Vimeo,
        url: format!("https://vimeo.com/{id}"),
        embed_url: format!("https://player.vimeo.com/video/{id}?dnt=1"),
        thumbnail_url: None,
        video_id: id,
    }
}

fn peertube(instance: &str, id: String) -> VideoPreview {
    VideoPreview {
        provider: VideoProvider::Peertube,
        url: format!("https://{instance}/w/{id}"),
        embed_url: format!("https://{instance}/videos/embed/{id}"),
        thumbnail_url: None,
        video_id: id,
    }
}

/// The preview of one link, if it is a video of an allowed provider.
pub fn preview(link: &Url) -> Option<VideoPreview> {
    if !matches!(link.scheme(), "https" | "http") || link.port().is_some() {
        return None;
    }
    let Some(Host::Domain(host)) = link.host() else {
        return None;
    };
    let host = host.to_ascii_lowercase();
    let segments: Vec<&str> = link.path_segments()?.filter(|s| !s.is_empty()).collect();
    match host.as_str() {
        "youtube.com" | "www.youtube.com" | "m.youtube.com" | "www.youtube-nocookie.com" => {
            let id = match segments.as_slice() {
                ["watch"] => link
                    .query_pairs()
                    .find(|(key, _)| key == "v")
                    .map(|(_, value)| value.into_owned())?,
                ["shorts" | "embed" | "live", id] => (*id).to_owned(),
                _ => return None,
            };
            youtube_id(&id).map(youtube)
        }
        "youtu.be" => match segments.as_slice() {
            [id] => youtube_id(id).map(youtube),
            _ => None,
        },
        "vimeo.com" | "www.vimeo.com" | "player.vimeo.com" => match segments.as_slice() {
            [id] | ["video", id] => vimeo_id(id).map(vimeo),
            _ => None,
        },
        instance => {
            let instance = PEERTUBE_INSTANCES.iter().find(|i| **i == instance)?;
            let id = match segments.as_slice() {
                ["w", id] | ["videos", "watch" | "embed", id] => *id,
                _ => return None,
            };
            peertube_id(id).map(|id| peertube(instance, id))
        }
    }
}

/// The previews of the video links in a text (Markdown source): bare links, `<autolinks>` and
/// `[text](links)`, the first [`MAX_PREVIEWS`] distinct videos in order.
pub fn previews(text: &str) -> Vec<VideoPreview> {
    let mut out: Vec<VideoPreview> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("http") {
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']' | '"' | '\'' | '<'))
            .unwrap_or(candidate.len());
        let raw = candidate[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if let Some(found) = Url::parse(raw).ok().as_ref().and_then(preview)
            && !out
                .iter()
                .any(|p| p.provider == found.provider && p.video_id == found.video_id)
        {
            out.push(found);
            if out.len() == MAX_PREVIEWS {
                break;
            }
        }
        rest = &candidate[end.max(4)..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<VideoPreview> {
        let mut all = previews(text);
        assert!(all.len() <= 1, "{all:?}");
        all.pop()
    }

    #[test]
    fn youtube_links_in_every_usual_form() {
        for link in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "http://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ] {
            let preview =
                one(&format!("Regardez [ça]({link}).")).unwrap_or_else(|| panic!("{link}"));
            assert_eq!(preview.provider, VideoProvider::Youtube);
            assert_eq!(preview.video_id, "dQw4w9WgXcQ");
            assert_eq!(
                preview.embed_url,
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
            );
            assert_eq!(preview.url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        }
    }

    #[test]
    fn vimeo_and_allowed_peertube_instances() {
        let vimeo = one("vu sur https://vimeo.com/76979871, très bien").unwrap();
        assert_eq!(
            vimeo.embed_url,
            "https://player.vimeo.com/video/76979871?dnt=1"
        );
        let tube = one("<https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d>").unwrap();
        assert_eq!(tube.provider, VideoProvider::Peertube);
        assert_eq!(
            tube.embed_url,
            "https://framatube.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"
        );
        let short = one("https://peertube.fr/w/kkGMgK9ZtnKfYAgnEtQxbv").unwrap();
        assert_eq!(short.video_id, "kkGMgK9ZtnKfYAgnEtQxbv");
    }

    #[test]
    fn anything_else_is_no_preview() {
        for text in [
            "https://evil.example/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload%3D",
            "https://youtu.be/dQw4w9WgX\"Q",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
            "https://127.0.0.1/watch?v=dQw4w9WgXcQ",
            "https://vimeo.com/12345678901234",
            "https://vimeo.com/channels/staffpicks",
            "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
            "ftp://youtu.be/dQw4w9WgXcQ",
            "https://framatube.org/about",
            "http",
            "",
        ] {
            assert_eq!(one(text), None, "{text}");
        }
    }

    #[test]
    fn at_most_four_distinct_previews_in_order() {
        let text = "https://youtu.be/aaaaaaaaaaa https://youtu.be/aaaaaaaaaaa \
                    https://vimeo.com/1 https://vimeo.com/2 https://vimeo.com/3 https://vimeo.com/4";
        let ids: Vec<String> = previews(text).into_iter().map(|p| p.video_id).collect();
        assert_eq!(ids, ["aaaaaaaaaaa", "1", "2", "3"]);
        // A long text of near-links ends (each step moves forward).
        let noisy = "http".repeat(10_000);
        assert!(previews(&noisy).is_empty());
    }
}
