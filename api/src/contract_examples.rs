//! Every operation of the generated document shows what it takes and what it answers: a JSON
//! request body, and a success response (2xx) with a JSON body, each have an example — on the
//! media type, or on the schema it refers to (for an array of a component, on the item's
//! schema; a `Page_*` takes its item's example, see `entraide_openapi::pagination`). Write the
//! example once, on the type in `openapi/src` (`#[schema(example = json!({...}))]`).
//!
//! That each example is valid per its schema is checked by Spectral's `oas3-valid-schema-example`
//! and `oas3-valid-media-example` rules in `.ci/spec-lint.sh` (no JSON Schema validator in this
//! workspace's dependencies); here, request examples must also be accepted by the server's own
//! body reader, and response examples read back as the DTOs they document.

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(crate::routes::openapi()).unwrap()
}

fn has_example(value: &Value) -> bool {
    value.get("example").is_some()
        || value
            .get("examples")
            .is_some_and(|examples| examples.as_object().is_some_and(|m| !m.is_empty()))
        || value
            .get("examples")
            .is_some_and(|examples| examples.as_array().is_some_and(|a| !a.is_empty()))
}

/// The component a `$ref` names.
fn component<'a>(document: &'a Value, schema: &Value) -> Option<&'a Value> {
    let name = schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")?;
    document["components"]["schemas"].get(name)
}

/// Whether a media type, or the schema it refers to, carries an example.
fn media_has_example(document: &Value, media: &Value) -> bool {
    if has_example(media) {
        return true;
    }
    let schema = &media["schema"];
    if has_example(schema) {
        return true;
    }
    if let Some(referenced) = component(document, schema) {
        return has_example(referenced);
    }
    if schema["type"] == "array" {
        return component(document, &schema["items"]).is_some_and(has_example);
    }
    false
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// `(operation, what)` for every JSON request body and JSON success response without an example.
fn missing_examples(document: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = operation["operationId"]
                .as_str()
                .map_or_else(|| format!("{method} {path}"), str::to_owned);
            if let Some(content) = operation["requestBody"]["content"].as_object() {
                for (media_type, media) in content {
                    if is_json(media_type) && !media_has_example(document, media) {
                        missing.push(format!("{name}: request body {media_type}"));
                    }
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(content) = response["content"].as_object() else {
                    continue;
                };
                for (media_type, media) in content {
                    if is_json(media_type) && !media_has_example(document, media) {
                        missing.push(format!("{name}: {status} response {media_type}"));
                    }
                }
            }
        }
    }
    missing
}

#[test]
fn every_operation_has_request_and_response_examples() {
    let document = document();
    let missing = missing_examples(&document);
    assert!(
        missing.is_empty(),
        "add `#[schema(example = json!({{...}}))]` to the type in openapi/src \
         (or an example on the response): {missing:#?}"
    );
}

#[test]
fn the_check_sees_a_missing_example() {
    let mut document = document();
    let schemas = document["components"]["schemas"].as_object_mut().unwrap();
    schemas["LoginRequest"]
        .as_object_mut()
        .unwrap()
        .remove("example");
    schemas["Group"].as_object_mut().unwrap().remove("example");
    let missing = missing_examples(&document);
    for expected in [
        "login: request body application/json",
        "get_group: 200 response application/json",
        // A page takes its item's example when the document is built, not after.
        "create_group: 201 response application/json",
    ] {
        assert!(missing.iter().any(|m| m == expected), "{missing:#?}");
    }
}

/// The request examples are bodies the server reads (its own reader: deny_unknown_fields,
/// types, integers) and the response examples decode into the types the server serialises.
#[test]
fn examples_read_back_as_their_types() {
    use entraide_openapi::{
        associations, auth, conditions, events, export, groups, health, media, members, messages,
        moderation, notifications, places, posts, research, resources, search, verification,
    };
    use serde::de::DeserializeOwned;

    let document = document();
    let schemas = &document["components"]["schemas"];
    let mut checked = 0;
    let mut check = |name: &str, read: &dyn Fn(&[u8]) -> Result<(), String>| {
        let Some(example) = schemas[name].get("example") else {
            panic!("{name} has no example");
        };
        let bytes = serde_json::to_vec(example).unwrap();
        if let Err(error) = read(&bytes) {
            panic!("{name}'s example does not read back: {error}");
        }
        checked += 1;
    };
    fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
        crate::json::parse::<T>(bytes)
            .map(drop)
            .map_err(|error| format!("{error:?}"))
    }
    fn answer<T: DeserializeOwned>(bytes: &[u8]) -> Result<(), String> {
        serde_json::from_slice::<T>(bytes)
            .map(drop)
            .map_err(|error| error.to_string())
    }
    macro_rules! bodies {
        ($($module:ident::$name:ident),+ $(,)?) => {
            $(check(stringify!($name), &body::<$module::$name>);)+
        };
    }
    macro_rules! answers {
        ($($module:ident::$name:ident),+ $(,)?) => {
            $(check(stringify!($name), &answer::<$module::$name>);)+
        };
    }
    bodies!(
        auth::RegisterRequest,
        auth::LoginRequest,
        auth::RefreshRequest,
        auth::ChangePasswordRequest,
        members::UpdateProfileRequest,
        associations::UpdateMemberSettingsRequest,
        members::RoleChange,
        places::GrantEditorRequest,
        conditions::CreateConditionRequest,
        groups::CreateGroupRequest,
        groups::UpdateGroupRequest,
        groups::GroupRoleChange,
        groups::MemberReference,
        posts::NewPostRequest,
        media::AvatarRequest,
        posts::EditRequest,
        posts::NewCommentRequest,
        posts::EditCommentRequest,
        associations::CreateAssociationRequest,
        associations::UpdateAssociationRequest,
        associations::UpdateAssociationMemberRequest,
        associations::CreateAnnouncementRequest,
        associations::CreateCampaignRequest,
        associations::RecordDonationRequest,
        associations::DonationWebhook,
        events::CreateEventRequest,
        events::UpdateEventRequest,
        events::RsvpRequest,
        places::CreatePlaceRequest,
        places::UpdatePlaceRequest,
        resources::CreateResourceRequest,
        resources::UpdateResourceRequest,
        resources::ReviewRequest,
        resources::CreateCommitteeRequest,
        verification::CreateVerificationRequest,
        verification::VerificationDecision,
        resources::AddCommitteeMemberRequest,
        research::CreateStudyRequest,
        research::UpdateStudyRequest,
        research::ConsentTextInput,
        research::GiveConsentRequest,
        research::QuestionnaireInput,
        research::SubmitResponseRequest,
        moderation::NewReportRequest,
        messages::UpdateMessageSettingsRequest,
        messages::NewConversationRequest,
        messages::NewMessageRequest,
        messages::MarkConversationReadRequest,
        moderation::DecisionRequest,
        moderation::ReinstateRequest,
        moderation::AppealRequest,
        moderation::AppealDecisionRequest,
        members::EraseAccountRequest,
        auth::VerifyEmailRequest,
        auth::PasswordResetRequest,
        auth::ConfirmPasswordResetRequest,
        auth::ChangeEmailRequest,
    );
    answers!(
        media::MediaItem,
        media::MediaVariant,
        auth::TokenResponse,
        auth::SessionItem,
        export::MemberExport,
        members::MyProfile,
        members::MemberProfile,
        members::DiscoveredMember,
        associations::MemberSettings,
        members::MemberRole,
        members::ApprovedKindChange,
        verification::VerificationRequestItem,
        places::EditorGrant,
        associations::FollowState,
        events::CalendarFeed,
        conditions::Condition,
        conditions::ConditionHub,
        conditions::ConditionFollowState,
        conditions::ConditionFeed,
        groups::Group,
        groups::JoinResult,
        groups::GroupMember,
        posts::PostItem,
        posts::CommentItem,
        posts::ReactionState,
        posts::FeedPage,
        posts::FollowItem,
        posts::BlockItem,
        moderation::MyReport,
        messages::MessageSettings,
        messages::Conversation,
        messages::Message,
        messages::NewConversation,
        notifications::UnreadCount,
        notifications::StreamTicket,
        notifications::StreamMessageEvent,
        notifications::StreamClosedEvent,
        moderation::QueuedReport,
        moderation::ModerationLogEntry,
        moderation::ModerationNotice,
        moderation::AppealItem,
        moderation::QueuedAppeal,
        moderation::AdminAuditEntry,
        associations::Association,
        associations::AssociationJoinResult,
        associations::AssociationMember,
        associations::WebhookSecret,
        associations::Announcement,
        associations::Campaign,
        associations::Donation,
        associations::WebhookResult,
        events::Event,
        events::RsvpResult,
        events::EventOccurrence,
        events::Attendee,
        places::Place,
        resources::Resource,
        resources::ResourceVersion,
        resources::Committee,
        search::SearchResult,
        health::Health,
        research::Study,
        research::ConsentText,
        research::Consent,
        research::ConsentLedger,
        research::Questionnaire,
        research::DueList,
        research::QuestionnaireResponse,
        research::StudyExport,
        research::StudyAggregates,
        research::AuditEntry,
        auth::MailAccepted,
    );
    assert!(checked >= 70, "{checked}");
}
