//! Newtype identifiers. All ids are UUID v7: time-ordered, so they index well and sort by
//! creation, and they reveal nothing but a creation time.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

id_type!(
    /// A member (an account and its profile).
    MemberId
);
id_type!(
    /// A condition (disease) communities form around.
    ConditionId
);
id_type!(
    /// A login session: every refresh token rotated from one login shares it.
    SessionId
);
id_type!(
    /// A discussion group (a "space").
    GroupId
);
id_type!(
    /// A post, in a group or on a wall.
    PostId
);
id_type!(
    /// A comment on a post.
    CommentId
);
id_type!(
    /// A patient association.
    AssociationId
);
id_type!(
    /// A prevention announcement of an association.
    AnnouncementId
);
id_type!(
    /// A donation campaign.
    CampaignId
);
id_type!(
    /// A recorded donation.
    DonationId
);
id_type!(
    /// An event of the calendar (a single event or a recurring series).
    EventId
);
id_type!(
    /// A place of the local resources directory.
    PlaceId
);
id_type!(
    /// A scientific committee.
    CommitteeId
);
id_type!(
    /// A resource of the library (all its versions).
    ResourceId
);
id_type!(
    /// One version of a resource.
    VersionId
);
id_type!(
    /// A research study.
    StudyId
);
id_type!(
    /// A questionnaire of a study (all its versions).
    QuestionnaireId
);
id_type!(
    /// One answer set to a questionnaire.
    ResponseId
);
id_type!(
    /// A member's report of something they read.
    ReportId
);
id_type!(
    /// One entry of the moderation log.
    ModerationActionId
);
id_type!(
    /// A member's appeal of a moderation decision about them.
    AppealId
);
id_type!(
    /// An API key of an association (`eak_...`), stored as a hash.
    ApiKeyId
);
id_type!(
    /// An outgoing webhook subscription of an association.
    WebhookId
);
id_type!(
    /// One queued delivery of an outgoing webhook.
    DeliveryId
);
id_type!(
    /// A direct conversation between 2 to 8 members.
    ConversationId
);
id_type!(
    /// One direct message of a conversation.
    MessageId
);
id_type!(
    /// A member's request for a verified status.
    VerificationRequestId
);
id_type!(
    /// An uploaded photo (its stored variants share the id).
    MediaId
);
