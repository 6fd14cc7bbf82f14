//! Posts, comments and reactions, and who may read and change them.

use crate::error::ParseError;
use crate::group::{Audience, GroupVisibility, Membership, Reader, can_moderate, can_read_content};
use crate::ids::MemberId;
use crate::member::PlatformRole;
use crate::policy::{Refusal, allow};
use crate::profile::{Viewer, Visibility};

/// Markdown text of a post or comment: 1 to `max` characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    source: String,
    html: String,
}

impl Body {
    pub const POST_MAX_CHARS: usize = 20_000;
    pub const COMMENT_MAX_CHARS: usize = 5_000;

    /// Parses and renders Markdown to sanitised HTML (no scripts, no event handlers, no inline
    /// styles; links get `rel="noopener noreferrer nofollow"` and only safe schemes).
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, ParseError> {
        let normalised = crate::text::normalise_line_breaks(raw);
        let source = normalised.trim();
        if source.is_empty() {
            return Err(ParseError::single("body", "required", "must not be empty"));
        }
        if source.chars().count() > max_chars {
            return Err(ParseError::single(
                "body",
                "too_long",
                format!("must be at most {max_chars} characters"),
            ));
        }
        Ok(Self {
            source: source.to_owned(),
            html: render_markdown(source),
        })
    }

    /// A body read back from storage with its stored rendering. A rendering stored before
    /// images were turned into links (it holds an `<img>`) is rendered again from its source.
    pub fn from_stored(source: String, html: String) -> Self {
        if html.contains("<img") {
            let html = render_markdown(&source);
            return Self { source, html };
        }
        Self { source, html }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn html(&self) -> &str {
        &self.html
    }
}

/// Markdown to safe HTML. Raw HTML in the source is escaped by the sanitiser's allow-list:
/// only formatting tags survive.
///
/// No image is ever rendered: a remote image loads by itself when the text is shown, which
/// tells its host who read what and when (a tracking pixel in an announcement targeted at a
/// condition would tell who has it). A Markdown image becomes a plain link to the image, with
/// its alt text (or its address) as the link text; `<img>` in raw HTML is dropped. Relative and
/// protocol-relative addresses (`/x`, `//evil.org/x`) are dropped from links: only absolute
/// `http`, `https` and `mailto` addresses are kept.
pub fn render_markdown(source: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut events = Parser::new_ext(source, options).peekable();
    let mut rewritten: Vec<Event<'_>> = Vec::new();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let empty = matches!(events.peek(), Some(Event::End(TagEnd::Image)));
                let text = dest_url.to_string();
                rewritten.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
                if empty {
                    rewritten.push(Event::Text(CowStr::from(text)));
                }
            }
            Event::End(TagEnd::Image) => rewritten.push(Event::End(TagEnd::Link)),
            other => rewritten.push(other),
        }
    }
    let mut unsafe_html = String::with_capacity(source.len().saturating_mul(2));
    html::push_html(&mut unsafe_html, rewritten.into_iter());
    ammonia::Builder::default()
        .rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

/// A content warning an author puts on a post so readers choose whether to open it ("annonce
/// d'un décès", "photos d'opération"): 1 to 80 characters on one line. Clients blur the post
/// behind it; the server only carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentWarning(String);

impl ContentWarning {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        crate::text::bounded(raw, 1, Self::MAX_CHARS, false).map(Self)
    }

    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a member writes to make a post: its text and, if they want one, a content warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub body: Body,
    pub content_warning: Option<ContentWarning>,
}

impl Draft {
    /// Parses both fields, reporting every invalid one at once.
    pub fn parse(body: &str, content_warning: Option<&str>) -> Result<Self, ParseError> {
        let mut errors = crate::error::Errors::new();
        let body = errors.keep(Body::parse(body, Body::POST_MAX_CHARS));
        let content_warning = match content_warning {
            Some(raw) => errors
                .check("content_warning", ContentWarning::parse(raw))
                .map(Some),
            None => Some(None),
        };
        errors.finish()?;
        match (body, content_warning) {
            (Some(body), Some(content_warning)) => Ok(Self {
                body,
                content_warning,
            }),
            _ => Err(ParseError::single("body", "invalid", "could not be read")),
        }
    }
}

/// Supportive reactions: a support community says "I support you", "thank you", "same here",
/// or sends a hug — there is no "dislike".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReactionKind {
    Support,
    Thanks,
    SameHere,
    Hug,
}

impl ReactionKind {
    pub const ALL: [Self; 4] = [Self::Support, Self::Thanks, Self::SameHere, Self::Hug];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Support => "support",
            Self::Thanks => "thanks",
            Self::SameHere => "same_here",
            Self::Hug => "hug",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                ParseError::single(
                    "kind",
                    "invalid_reaction",
                    "must be one of support, thanks, same_here, hug",
                )
            })
    }
}

/// Reaction counts per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReactionCounts {
    pub support: i64,
    pub thanks: i64,
    pub same_here: i64,
    pub hug: i64,
}

/// A post as stored. A deleted post keeps its place (threads stay readable) but not its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: crate::ids::PostId,
    pub author_id: MemberId,
    pub group_id: Option<crate::ids::GroupId>,
    pub body: Body,
    /// Set by the author; cleared when the post is deleted.
    pub content_warning: Option<ContentWarning>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub edited_at: Option<chrono::DateTime<chrono::Utc>>,
    pub deleted: bool,
    /// Hidden by moderators: only its author (and moderators) still see it.
    pub hidden: bool,
    pub pinned: bool,
    pub comment_count: i64,
    pub reactions: ReactionCounts,
}

/// A comment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: crate::ids::CommentId,
    pub post_id: crate::ids::PostId,
    pub parent_id: Option<crate::ids::CommentId>,
    pub depth: i32,
    pub author_id: MemberId,
    pub body: Body,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub edited_at: Option<chrono::DateTime<chrono::Utc>>,
    pub deleted: bool,
    /// Hidden by moderators: only its author (and moderators) still see it.
    pub hidden: bool,
    pub reactions: ReactionCounts,
}

/// Threads are bounded: a reply to a comment at this depth is refused.
pub const MAX_COMMENT_DEPTH: i32 = 4;

/// Where a post lives, with what its read policy needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Group {
        visibility: GroupVisibility,
        audience: Audience,
        /// The reader's standing in the group.
        membership: Option<Membership>,
    },
    /// The author's own wall, readable as the author's wall visibility says.
    Wall { wall_visibility: Visibility },
}

/// Policy: may `reader` read a post (and its comments and reactions) by `author` in `place`?
/// Group posts follow the group's content rule; wall posts the owner's wall visibility.
pub fn can_read_post(reader: Reader, author: MemberId, place: Place) -> bool {
    match place {
        Place::Group {
            visibility,
            audience,
            membership,
        } => can_read_content(visibility, audience, reader, membership),
        Place::Wall { wall_visibility } => {
            let viewer = reader.member_id().map_or(Viewer::Anonymous, Viewer::Member);
            wall_visibility.allows(viewer.relation_to(author))
        }
    }
}

/// Policy: may the actor edit this post or comment? Its author only.
pub fn can_edit(actor: MemberId, author: MemberId) -> Result<(), Refusal> {
    allow(actor == author, Refusal::Forbidden)
}

/// Policy: may the actor delete this post or comment? Its author, the group's owners and
/// moderators (for group content), and platform moderators and admins.
pub fn can_delete(
    actor: MemberId,
    actor_role: PlatformRole,
    author: MemberId,
    group_membership: Option<Membership>,
) -> Result<(), Refusal> {
    allow(
        actor == author
            || actor_role >= PlatformRole::Moderator
            || can_moderate(group_membership).is_ok(),
        Refusal::Forbidden,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{GroupRole, MembershipStatus};
    use crate::member::MemberKind;

    #[test]
    fn a_draft_reports_every_invalid_field_and_keeps_a_trimmed_warning() {
        let draft = Draft::parse(
            "Ma mère est partie cette nuit.",
            Some("  annonce d'un décès "),
        )
        .unwrap();
        assert_eq!(
            draft.content_warning.as_ref().map(ContentWarning::as_str),
            Some("annonce d'un décès")
        );
        assert_eq!(Draft::parse("texte", None).unwrap().content_warning, None);
        let error =
            Draft::parse("  ", Some(&"x".repeat(ContentWarning::MAX_CHARS + 1))).unwrap_err();
        let fields: Vec<(&str, &str)> = error
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            fields,
            [("body", "required"), ("content_warning", "too_long")]
        );
        for bad in ["", "   ", "deuil\nphotos", "nul\u{0}"] {
            let error = Draft::parse("texte", Some(bad)).unwrap_err();
            assert_eq!(error.errors()[0].field, "content_warning", "{bad:?}");
        }
        assert!(ContentWarning::parse(&"é".repeat(ContentWarning::MAX_CHARS)).is_ok());
    }

    #[test]
    fn markdown_is_rendered_and_sanitised() {
        let body = Body::parse(
            "**Bonjour** <script>alert(1)</script> <img src=x onerror=alert(1)> \
             [lien](javascript:alert(1)) [ok](https://example.org) <a href=\"https://x.org\" onclick=\"x()\">a</a>",
            Body::POST_MAX_CHARS,
        )
        .unwrap();
        let html = body.html();
        assert!(html.contains("<strong>Bonjour</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
        assert_eq!(body.source().lines().count(), 1);
    }

    #[test]
    fn images_become_links_and_relative_urls_are_dropped() {
        let html = render_markdown(
            "![pixel](https://tracker.example.net/pixel.gif) ![](https://x.example/a.png) \
             <img src=\"https://tracker.example.net/raw.gif\"> ![rel](/p.gif) \
             [proto](//evil.org/x) [rel](/members/1) [ok](https://example.org/y)",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://tracker.example.net/pixel.gif\" rel=\"noopener noreferrer nofollow\">pixel</a>"
            ),
            "{html}"
        );
        assert!(
            html.contains(">https://x.example/a.png</a>"),
            "an image without alt text links with its address: {html}"
        );
        assert!(!html.contains("raw.gif"), "{html}");
        assert!(!html.contains("evil.org"), "{html}");
        assert!(!html.contains("href=\"/"), "{html}");
        assert!(html.contains(">proto</a>"), "the text stays: {html}");
        assert!(html.contains("href=\"https://example.org/y\""), "{html}");
    }

    #[test]
    fn stored_renderings_with_images_are_rendered_again() {
        let body = Body::from_stored(
            "![p](https://t.example/p.gif)".to_owned(),
            "<p><img src=\"https://t.example/p.gif\" alt=\"p\"></p>".to_owned(),
        );
        assert!(!body.html().contains("<img"), "{}", body.html());
        let kept = Body::from_stored("x".to_owned(), "<p>stored</p>".to_owned());
        assert_eq!(kept.html(), "<p>stored</p>");
    }

    #[test]
    fn bodies_are_bounded() {
        assert_eq!(
            Body::parse("   ", 10).unwrap_err().errors()[0].code,
            "required"
        );
        assert_eq!(
            Body::parse(&"é".repeat(11), 10).unwrap_err().errors()[0].code,
            "too_long"
        );
        assert!(Body::parse(&"é".repeat(10), 10).is_ok());
    }

    #[test]
    fn reaction_kinds_round_trip() {
        for kind in ReactionKind::ALL {
            assert_eq!(ReactionKind::parse(kind.as_str()).unwrap(), kind);
        }
        assert!(ReactionKind::parse("dislike").is_err());
    }

    #[test]
    fn read_table_for_walls() {
        let author = MemberId::new();
        let other = Reader::Member {
            id: MemberId::new(),
            kind: MemberKind::Patient,
        };
        let owner = Reader::Member {
            id: author,
            kind: MemberKind::Patient,
        };
        let table = [
            (Visibility::Public, Reader::Anonymous, true),
            (Visibility::Members, Reader::Anonymous, false),
            (Visibility::Members, other, true),
            (Visibility::Private, other, false),
            (Visibility::Private, owner, true),
        ];
        for (wall_visibility, reader, expected) in table {
            assert_eq!(
                can_read_post(reader, author, Place::Wall { wall_visibility }),
                expected,
                "{wall_visibility:?} {reader:?}"
            );
        }
    }

    #[test]
    fn group_posts_follow_the_group_rule() {
        let author = MemberId::new();
        let reader = Reader::Member {
            id: MemberId::new(),
            kind: MemberKind::Caregiver,
        };
        let active = Some(Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Active,
        });
        let place = |visibility, audience, membership| Place::Group {
            visibility,
            audience,
            membership,
        };
        use Audience::*;
        use GroupVisibility::*;
        assert!(can_read_post(reader, author, place(Public, Everyone, None)));
        assert!(!can_read_post(
            reader,
            author,
            place(Private, Everyone, None)
        ));
        assert!(can_read_post(
            reader,
            author,
            place(Private, Everyone, active)
        ));
        assert!(!can_read_post(
            reader,
            author,
            place(Private, Patients, active)
        ));
    }

    #[test]
    fn delete_and_edit_table() {
        let (author, other) = (MemberId::new(), MemberId::new());
        let moderator = Some(Membership {
            role: GroupRole::Moderator,
            status: MembershipStatus::Active,
        });
        let member = Some(Membership {
            role: GroupRole::Member,
            status: MembershipStatus::Active,
        });
        let table = [
            (author, PlatformRole::Member, None, true),
            (other, PlatformRole::Member, None, false),
            (other, PlatformRole::Member, member, false),
            (other, PlatformRole::Member, moderator, true),
            (other, PlatformRole::Moderator, None, true),
            (other, PlatformRole::Admin, None, true),
        ];
        for (actor, role, membership, expected) in table {
            assert_eq!(
                can_delete(actor, role, author, membership).is_ok(),
                expected,
                "{role:?} {membership:?}"
            );
        }
        assert!(can_edit(author, author).is_ok());
        assert!(can_edit(other, author).is_err());
    }
}
