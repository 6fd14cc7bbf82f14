//! RFC 9457 problem details: the body of every error response.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error, as `application/problem+json`. Clients branch on `code` (stable, machine-readable)
/// and show `title` (English, or French with `Accept-Language: fr`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "https://entraide.example/problems/validation_failed",
    "title": "The request has invalid fields",
    "status": 422,
    "code": "validation_failed",
    "request_id": "01939a4e-8f7a-7cc3-9a51-3c1f0e2b6d11",
    "errors": [{"field": "pseudonym", "code": "too_short", "message": "must be at least 3 characters"}]
}))]
pub struct Problem {
    /// A URI naming the problem type; `https://entraide.example/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, human-readable summary of the problem type, in the request's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable machine code: clients branch on it (see [`ProblemCode`]).
    pub code: ProblemCode,
    /// Details about this occurrence, when useful (never internal causes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The id of the request, also in the `X-Request-Id` header: quote it when reporting a bug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field errors of a validation failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

macro_rules! problem_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $status:literal, $en:literal, $fr:literal;)*) => {
        /// The stable machine code of a problem: what clients branch on. Each code has one HTTP
        /// status and a title in English and in French (`docs/API-DESIGN.md` lists them).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ProblemCode {
            $($(#[doc = $doc])* #[serde(rename = $code)] $variant,)*
        }

        impl ProblemCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant),*];

            /// The code as sent in `Problem.code`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ProblemCode::$variant => $code,)* }
            }

            /// The HTTP status every problem with this code carries.
            pub const fn status(self) -> u16 {
                match self { $(ProblemCode::$variant => $status,)* }
            }

            /// The title in English.
            pub const fn title_en(self) -> &'static str {
                match self { $(ProblemCode::$variant => $en,)* }
            }

            /// The title in French.
            pub const fn title_fr(self) -> &'static str {
                match self { $(ProblemCode::$variant => $fr,)* }
            }

            /// When a client meets this code.
            pub fn description(self) -> &'static str {
                match self { $(ProblemCode::$variant => concat!($($doc),*).trim_start(),)* }
            }
        }
    };
}

/// Written by hand rather than derived: the schema must carry the wire codes (`malformed_json`),
/// which the derive does not read from the `serde(rename)` a macro writes, and each code's
/// status and meaning belong in the contract a client generator reads.
impl utoipa::PartialSchema for ProblemCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use std::fmt::Write as _;
        let mut description = String::from(
            "The stable machine code of a problem: what clients branch on. Each code always \
             comes with the same HTTP status.\n",
        );
        for code in Self::ALL {
            // Writing into a String cannot fail.
            let _ = write!(
                description,
                "\n- `{}` ({}): {}",
                code.as_str(),
                code.status(),
                code.description()
            );
        }
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Self::ALL.iter().map(|code| code.as_str())))
            .description(Some(description))
            .into()
    }
}

impl ToSchema for ProblemCode {}

problem_codes! {
    /// The body is not JSON: a syntax error, trailing garbage, invalid UTF-8.
    MalformedJson = "malformed_json", 400, "The request body is not valid JSON", "Le corps de la requête n'est pas du JSON valide";
    /// A query parameter could not be read (wrong type, control character...).
    InvalidQuery = "invalid_query", 400, "Invalid query parameters", "Paramètres de requête invalides";
    /// A path segment could not be read (not a UUID, control character...).
    InvalidPath = "invalid_path", 400, "Invalid path parameter", "Paramètre de chemin invalide";
    /// The `cursor` was not issued by this server for this list, or was altered.
    InvalidCursor = "invalid_cursor", 400, "Invalid pagination cursor", "Curseur de pagination invalide";
    /// The request could not be read for another reason.
    BadRequest = "bad_request", 400, "Bad request", "Requête invalide";
    /// A webhook delivery without `X-Entraide-Timestamp` / `X-Entraide-Signature`.
    MissingSignature = "missing_signature", 400, "The webhook signature headers are missing", "Les en-têtes de signature du webhook sont absents";
    /// Webhook signature headers that are not a timestamp and a hex HMAC.
    MalformedSignature = "malformed_signature", 400, "The webhook signature headers are malformed", "Les en-têtes de signature du webhook sont mal formés";
    /// The token of a mailed link (e-mail verification, password reset) is unknown, expired, already used or replaced by a newer link: ask for a new one.
    ExpiredOrUsedToken = "expired_or_used_token", 400, "This link is invalid, expired or already used", "Ce lien est invalide, expiré ou déjà utilisé";
    /// Some fields are invalid: `errors` lists each with its own code (see "Field codes").
    ValidationFailed = "validation_failed", 422, "The request has invalid fields", "La requête contient des champs invalides";
    /// No bearer token on a route that needs one (`WWW-Authenticate: Bearer`).
    Unauthenticated = "unauthenticated", 401, "Authentication required", "Authentification requise";
    /// The bearer token is malformed, forged (`alg: none` included), expired, or its session was revoked: refresh or sign in again.
    InvalidToken = "invalid_token", 401, "Invalid or expired access token", "Jeton d'accès invalide ou expiré";
    /// Sign-in refused (never says whether the e-mail is registered).
    InvalidCredentials = "invalid_credentials", 401, "Wrong e-mail or password", "E-mail ou mot de passe incorrect";
    /// The refresh token is unknown, expired, revoked or was already used (reuse revokes the session).
    InvalidRefreshToken = "invalid_refresh_token", 401, "Invalid, expired or revoked refresh token", "Jeton de rafraîchissement invalide, expiré ou révoqué";
    /// The webhook HMAC does not match the association's secret.
    InvalidSignature = "invalid_signature", 401, "The webhook signature does not match", "La signature du webhook ne correspond pas";
    /// The webhook timestamp is more than 5 minutes away from the server's clock.
    StaleTimestamp = "stale_timestamp", 401, "The webhook timestamp is too old or too far ahead", "L'horodatage du webhook est trop ancien ou trop en avance";
    /// Signed in, but this action needs a right the member does not hold.
    Forbidden = "forbidden", 403, "You are not allowed to do this", "Vous n'avez pas le droit de faire cela";
    /// The group is reserved to patients or to caregivers.
    AudienceRestricted = "audience_restricted", 403, "This space is reserved to another kind of member", "Cet espace est réservé à un autre profil de membre";
    /// The member is banned from this group.
    Banned = "banned", 403, "You are banned from this group", "Vous êtes exclu de ce groupe";
    /// The group is private and the reader is not an active member.
    NotReadable = "not_readable", 403, "Only members of this group can see this", "Seuls les membres de ce groupe peuvent voir cela";
    /// The member's wall (and follower lists) are not visible to this reader.
    WallNotReadable = "wall_not_readable", 403, "This member's wall is not visible to you", "Le mur de ce membre ne vous est pas visible";
    /// Taking part (posting, reacting, answering an event) needs active membership.
    NotAMember = "not_a_member", 403, "Join this group to take part", "Rejoignez ce groupe pour participer";
    /// The group lets only its moderators create events.
    CannotCreateEvents = "cannot_create_events", 403, "Only this group's moderators may create events here", "Seuls les modérateurs de ce groupe peuvent y créer des événements";
    /// The action needs the association's admin role.
    NotAssociationAdmin = "not_association_admin", 403, "Only the association's admins may do this", "Seuls les administrateurs de l'association peuvent faire cela";
    /// An association API key used on another association's resources, or without the scope the operation needs (see the `api_key` security of each operation).
    InsufficientScope = "insufficient_scope", 403, "This API key does not allow this", "Cette clé d'API ne permet pas cela";
    /// The action needs the association's admin or volunteer role.
    NotAssociationStaff = "not_association_staff", 403, "Only the association's admins and volunteers may do this", "Seuls les administrateurs et bénévoles de l'association peuvent faire cela";
    /// A pending association publishes nothing, takes no members and confers no right.
    AssociationNotVerified = "association_not_verified", 403, "The association is not verified yet", "L'association n'est pas encore vérifiée";
    /// A right from an association goes only to its active members.
    NotAssociationMember = "not_association_member", 403, "The member is not an active member of the association", "La personne n'est pas membre active de l'association";
    /// A member follows others, never themselves.
    SelfFollow = "self_follow", 403, "You cannot follow yourself", "Vous ne pouvez pas vous suivre vous-même";
    /// A member blocks others, never themselves.
    SelfBlock = "self_block", 403, "You cannot block yourself", "Vous ne pouvez pas vous bloquer vous-même";
    /// A member reports others' content, never their own or themselves.
    SelfReport = "self_report", 403, "You cannot report yourself or what you wrote", "Vous ne pouvez pas signaler votre propre contenu ni vous-même";
    /// The member cannot be messaged by you: their message setting, a block, or an account
    /// that cannot take part (one code for all: the reason is theirs). In a one-to-one
    /// conversation, also when either of you blocked the other.
    CannotMessage = "cannot_message", 403, "You cannot message this member", "Vous ne pouvez pas écrire à ce membre";
    /// Moderators suspended or banned the account: no login, no session, until the date in
    /// `detail`.
    AccountSuspended = "account_suspended", 403, "This account is suspended", "Ce compte est suspendu";
    /// Moderators hid this post or comment: it stays as it was, for an appeal.
    ContentHidden = "content_hidden", 403, "Hidden by moderators: it cannot be edited", "Masqué par la modération : il ne peut plus être modifié";
    /// The report was already decided.
    ReportClosed = "report_closed", 409, "This report was already decided", "Ce signalement a déjà été traité";
    /// Only hiding and a group's ban can be appealed, by the member they are about, within 30
    /// days (a platform suspension: write to the platform).
    NotAppealable = "not_appealable", 403, "This decision cannot be appealed", "Cette décision ne peut pas faire l'objet d'un recours";
    /// A decision is appealed once.
    AlreadyAppealed = "already_appealed", 409, "You already appealed this decision", "Vous avez déjà fait un recours contre cette décision";
    /// The appeal was already answered.
    AppealClosed = "appeal_closed", 409, "This appeal was already answered", "Ce recours a déjà reçu une réponse";
    /// Rights are conferred by someone else.
    SelfGrant = "self_grant", 403, "Nobody may grant a right to themselves", "Personne ne peut s'attribuer un droit à soi-même";
    /// Nobody approves or refuses their own verification request.
    SelfVerification = "self_verification", 403, "You cannot decide on your own verification", "Vous ne pouvez pas statuer sur votre propre vérification";
    /// The committee requires its reviewers to hold a verified status (professional or patient expert).
    VerificationRequired = "verification_required", 403, "This committee requires a verified status", "Ce comité exige un statut vérifié";
    /// The badge asked for does not fit the member's kind (a patient asking to be verified professional).
    BadgeNotForKind = "badge_not_for_kind", 422, "This verified status does not fit your kind of member", "Ce statut vérifié ne correspond pas à votre type de membre";
    /// The association named to vouch is not verified, or the member is not an active member of it.
    AssociationCannotVouch = "association_cannot_vouch", 403, "This association cannot vouch for you", "Cette association ne peut pas se porter garante de vous";
    /// The member already shows this verified status.
    AlreadyVerified = "already_verified", 409, "You already hold this verified status", "Vous avez déjà ce statut vérifié";
    /// The member already has a verification request waiting for a decision.
    VerificationPending = "verification_pending", 409, "A verification request of yours is already waiting", "Une demande de vérification de votre part est déjà en attente";
    /// The verification request was already approved or refused.
    VerificationClosed = "verification_closed", 409, "This verification request was already decided", "Cette demande de vérification a déjà été traitée";
    /// Writing resources and places needs the editor right.
    NotAnEditor = "not_an_editor", 403, "Only editors may write the knowledge base", "Seuls les rédacteurs peuvent écrire dans la base de connaissances";
    /// Reviewing needs a seat on the resource's committee.
    NotACommitteeMember = "not_a_committee_member", 403, "Only the committee's members may do this", "Seuls les membres du comité peuvent faire cela";
    /// An author cannot validate their own resource.
    OwnResource = "own_resource", 403, "You cannot review your own resource", "Vous ne pouvez pas relire votre propre ressource";
    /// Creating a study needs the researcher right (granted by a platform admin).
    NotAResearcher = "not_a_researcher", 403, "Only researchers may do this", "Seuls les chercheurs peuvent faire cela";
    /// The study's eligibility does not admit the member's kind or declared conditions.
    NotEligible = "not_eligible", 403, "This study is not open to your profile", "Cette étude n'est pas ouverte à votre profil";
    /// Answering needs a consent to the study's current consent text: none, withdrawn, or given to an older version.
    ConsentRequired = "consent_required", 403, "Consent to this study's current text first", "Consentez d'abord au texte actuel de cette étude";
    /// No such resource, or not visible to this reader (the two are not told apart).
    NotFound = "not_found", 404, "Not found", "Introuvable";
    /// The path exists with other methods: see the `Allow` header.
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed", "Méthode non autorisée";
    /// The e-mail became another account's before the verification link of an e-mail change was used. Registration and e-mail change requests never answer it: they do not tell whether an address is registered.
    EmailTaken = "email_taken", 409, "This e-mail address is already registered", "Cette adresse e-mail est déjà inscrite";
    /// The pseudonym, or one that looks the same, is taken.
    PseudonymTaken = "pseudonym_taken", 409, "This pseudonym is taken", "Ce pseudonyme est déjà pris";
    /// The name is taken (ignoring case).
    NameTaken = "name_taken", 409, "This name is taken", "Ce nom est déjà pris";
    /// Another unique value is already taken.
    AlreadyExists = "already_exists", 409, "This already exists", "Cela existe déjà";
    /// The invited member already belongs to the group.
    AlreadyMember = "already_member", 409, "Already a member of this group", "Déjà membre de ce groupe";
    /// Inviting a banned member needs the ban lifted first.
    MemberBanned = "member_banned", 409, "This member is banned from the group; lift the ban first", "Ce membre est exclu du groupe ; levez l'exclusion d'abord";
    /// A group keeps at least one owner.
    LastOwner = "last_owner", 409, "The last owner must hand over before leaving", "Le dernier propriétaire doit passer la main avant de partir";
    /// An association keeps at least one admin.
    LastAdmin = "last_admin", 409, "The last admin must hand over first", "Le dernier administrateur doit d'abord passer la main";
    /// An association holds at most 20 live API keys and 50 webhooks: revoke or delete one first.
    IntegrationLimit = "integration_limit", 409, "This association has as many keys or webhooks as it may hold", "Cette association a déjà autant de clés ou de webhooks que possible";
    /// Once something was posted, a group's reach only narrows.
    WouldExposeHistory = "would_expose_history", 409, "This change would show the group's past posts to people they were not written for", "Ce changement montrerait les messages passés du groupe à des personnes pour qui ils n'ont pas été écrits";
    /// The event is cancelled: no change or answer.
    EventCancelled = "event_cancelled", 409, "The event is cancelled", "L'événement est annulé";
    /// The event has ended: answers are closed.
    EventOver = "event_over", 409, "The event is over", "L'événement est terminé";
    /// A reviewer validates a version once.
    AlreadyReviewed = "already_reviewed", 409, "You already validated this version", "Vous avez déjà validé cette version";
    /// The review step does not apply to the version's current status.
    InvalidTransition = "invalid_transition", 409, "This step does not apply to the version's status", "Cette étape ne s'applique pas au statut de la version";
    /// A version under review is frozen.
    UnderReview = "under_review", 409, "The version is under review and cannot change", "La version est en cours de relecture et ne peut pas changer";
    /// The same signed webhook delivery was already received.
    Replayed = "replayed", 409, "This webhook delivery was already received", "Cette livraison du webhook a déjà été reçue";
    /// A donation with this payment reference is already recorded.
    PaymentAlreadyRecorded = "payment_already_recorded", 409, "This payment is already recorded", "Ce paiement est déjà enregistré";
    /// Consenting again to the consent text already agreed to.
    AlreadyConsented = "already_consented", 409, "You already consented to this text", "Vous avez déjà consenti à ce texte";
    /// Withdrawing a consent that is not in force.
    NoConsent = "no_consent", 409, "No consent in force", "Aucun consentement en vigueur";
    /// The consent text version given is not the current one: read the new text, then consent to it.
    ConsentTextChanged = "consent_text_changed", 409, "The consent text changed: read the new version", "Le texte de consentement a changé : lisez la nouvelle version";
    /// The study opened: what it says and whom it is for no longer change.
    StudyNotDraft = "study_not_draft", 409, "The study is no longer a draft", "L'étude n'est plus un brouillon";
    /// Consents and answers are taken while the study is open.
    StudyNotOpen = "study_not_open", 409, "The study is not open", "L'étude n'est pas ouverte";
    /// A closed study changes no more.
    StudyClosed = "study_closed", 409, "The study is closed", "L'étude est close";
    /// A study holds at most 20 questionnaires.
    TooManyQuestionnaires = "too_many_questionnaires", 409, "This study has as many questionnaires as it may hold", "Cette étude a déjà autant de questionnaires que possible";
    /// A study moves from draft to open to closed, never back.
    InvalidStudyStatus = "invalid_study_status", 409, "A study moves from draft to open to closed, never back", "Une étude passe de brouillon à ouverte puis close, jamais en arrière";
    /// The questionnaire is not due for the member now: outside its answering windows, or already answered in this one.
    NotDue = "not_due", 409, "This questionnaire is not due for you now", "Ce questionnaire ne vous est pas demandé en ce moment";
    /// The image declares more than 48 megapixels or a side over 12,000 pixels (a decompression bomb is refused before it is decoded).
    ImageTooLarge = "image_too_large", 422, "The image's dimensions are too large", "Les dimensions de l'image sont trop grandes";
    /// The image looks like JPEG, PNG or WebP but cannot be decoded, or the form is not one `file` part.
    InvalidImage = "invalid_image", 422, "The image cannot be read", "L'image ne peut pas être lue";
    /// The body is over the server's limit (64 KiB by default; 10 MiB for an image upload, 50 MiB for a video).
    PayloadTooLarge = "payload_too_large", 413, "The request body is too large", "Le corps de la requête est trop volumineux";
    /// An upload that is not a JPEG, PNG or WebP image by its bytes (whatever its declared type); HEIC/HEIF is refused too (no pure-Rust decoder).
    UnsupportedImage = "unsupported_image", 415, "This file is not a supported image (JPEG, PNG or WebP)", "Ce fichier n'est pas une image acceptée (JPEG, PNG ou WebP)";
    /// A video that is not kept: only MP4 and QuickTime files that are not fragmented are (WebM and Matroska are refused: their metadata cannot be blanked in place here).
    UnsupportedVideo = "unsupported_video", 415, "This file is not a supported video (MP4 or QuickTime)", "Ce fichier n'est pas une vidéo acceptée (MP4 ou QuickTime)";
    /// An MP4 or QuickTime file whose boxes cannot be read, or that has no picture or no length.
    InvalidVideo = "invalid_video", 422, "The video cannot be read", "La vidéo ne peut pas être lue";
    /// The video is longer than three minutes.
    VideoTooLong = "video_too_long", 422, "The video is too long (three minutes at most)", "La vidéo est trop longue (trois minutes au plus)";
    /// The body must be sent as `application/json` (`multipart/form-data` for uploads).
    UnsupportedMediaType = "unsupported_media_type", 415, "The request body must be application/json", "Le corps de la requête doit être en application/json";
    /// Too many requests or sign-in attempts: wait the seconds in `Retry-After`.
    RateLimited = "rate_limited", 429, "Too many attempts, please wait", "Trop de tentatives, veuillez patienter";
    /// An unexpected error; quote `request_id` when reporting it.
    InternalError = "internal_error", 500, "Internal error", "Erreur interne";
    /// The database cannot be reached; retry after `Retry-After` seconds.
    ServiceUnavailable = "service_unavailable", 503, "The service is temporarily unavailable", "Le service est momentanément indisponible";
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for ProblemCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ProblemCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as named in the request (`location.city` for nested ones).
    pub field: String,
    /// A stable machine code: `required`, `too_short`, `too_long`, `invalid_email`,
    /// `weak_password`, `taken`...
    pub code: String,
    /// An English explanation.
    pub message: String,
}

macro_rules! problem_response {
    ($name:ident, $status:literal, $description:literal) => {
        #[doc = $description]
        #[doc = ""]
        #[doc = concat!("Status ", $status, ": list it in `responses(...)` of a `#[utoipa::path]` alone or through an error set.")]
        pub struct $name(pub Problem);

        /// Written by hand: the derive inlines the `Problem` schema, a reference keeps one
        /// `Problem` type for generated clients.
        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (
                &'r str,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            ) {
                (
                    stringify!($name),
                    utoipa::openapi::ResponseBuilder::new()
                        .description($description)
                        .content(
                            "application/problem+json",
                            utoipa::openapi::ContentBuilder::new()
                                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                                .build(),
                        )
                        .build()
                        .into(),
                )
            }
        }

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                std::collections::BTreeMap::from([(
                    $status.to_string(),
                    utoipa::openapi::Ref::from_response_name(stringify!($name)).into(),
                )])
            }
        }
    };
}

problem_response!(
    BadRequest,
    "400",
    "Malformed request: invalid JSON, query, path or cursor."
);
problem_response!(
    Unauthorized,
    "401",
    "Missing, invalid or expired credentials (see the WWW-Authenticate header)."
);
problem_response!(
    Forbidden,
    "403",
    "Authenticated, but not allowed to do this."
);
problem_response!(
    NotFound,
    "404",
    "No such resource, or not visible to this reader."
);
problem_response!(
    Conflict,
    "409",
    "Conflicts with existing data (e.g. a pseudonym already taken)."
);
problem_response!(PayloadTooLarge, "413", "The request body is too large.");
problem_response!(
    UnsupportedMediaType,
    "415",
    "The body must be application/json."
);
problem_response!(
    UnprocessableEntity,
    "422",
    "Well-formed, but some fields are invalid: see `errors`."
);
problem_response!(
    TooManyRequests,
    "429",
    "Rate limited: wait for the number of seconds in the Retry-After header."
);
problem_response!(
    InternalError,
    "500",
    "Unexpected error; the body carries the request id."
);
problem_response!(ServiceUnavailable, "503", "The database cannot be reached.");

/// A named set of error responses: what a kind of route can answer besides its success, so a
/// `#[utoipa::path]` says `responses((status = 200, ...), ReadErrors)` instead of a list.
/// A set is the union of its parts (single problems above or smaller sets).
macro_rules! error_set {
    ($(#[doc = $doc:literal])* $name:ident = $($part:ident)+) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                let mut responses = std::collections::BTreeMap::new();
                $(responses.append(&mut <$part as utoipa::IntoResponses>::responses());)+
                responses
            }
        }
    };
}

error_set! {
    /// What any route that touches the database may answer: 500 and 503.
    ServerErrors = InternalError ServiceUnavailable
}
error_set! {
    /// Signed in, nothing else to get wrong (`GET /members/me`): 401, 500, 503.
    SessionErrors = Unauthorized ServerErrors
}
error_set! {
    /// Reads one thing by id, login optional or required: 400 (path), 401, 404, 500, 503.
    ReadErrors = BadRequest Unauthorized NotFound ServerErrors
}
error_set! {
    /// Reads a page of a list: 400 (query, cursor), 401, 422 (`limit` out of range, filters),
    /// 500, 503. Lists under a parent add `NotFound` (and `Forbidden` when the parent is closed).
    ListErrors = BadRequest Unauthorized UnprocessableEntity ServerErrors
}
error_set! {
    /// Acts on an existing thing without a body (join, verify, delete...): 400, 401, 403, 404,
    /// 500, 503.
    ActionErrors = BadRequest Unauthorized Forbidden NotFound ServerErrors
}
error_set! {
    /// Sends a JSON body without being signed in (registration): 400, 413, 415, 422, 500, 503.
    AnonymousBodyErrors = BadRequest PayloadTooLarge UnsupportedMediaType UnprocessableEntity ServerErrors
}
error_set! {
    /// Sends a JSON body: 400, 401, 413, 415, 422, 500, 503.
    BodyErrors = AnonymousBodyErrors Unauthorized
}
error_set! {
    /// Changes an existing thing (or creates one under it) with a JSON body: 400, 401, 403,
    /// 404, 413, 415, 422, 500, 503. Add `Conflict` when a rule can refuse it.
    WriteErrors = BodyErrors Forbidden NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_with_distinct_titles() {
        let mut seen = std::collections::HashSet::new();
        for code in ProblemCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{text}"
            );
            assert_ne!(
                code.title_en(),
                code.title_fr(),
                "{text} needs a French title"
            );
            assert!(!code.description().is_empty(), "{text} needs a description");
            assert!((400..600).contains(&code.status()), "{text}");
            let wire = serde_json::to_value(code).unwrap();
            assert_eq!(wire, serde_json::Value::from(text));
            assert_eq!(serde_json::from_value::<ProblemCode>(wire).unwrap(), *code);
        }
    }

    /// The published schema enumerates the wire codes, so a generated client gets a closed type.
    #[test]
    fn schema_enumerates_the_wire_codes() {
        let schema =
            serde_json::to_value(<ProblemCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|value| value.as_str().unwrap())
            .collect();
        let codes: Vec<&str> = ProblemCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(listed, codes);
        let description = schema["description"].as_str().unwrap();
        assert!(
            description.contains("`not_readable` (403)"),
            "{description}"
        );
    }

    /// The table of codes in `docs/API-DESIGN.md` is this enum's: rerun with
    /// `ENTRAIDE_DOCS_BLESS=1` to rewrite it after a change.
    #[test]
    fn api_design_lists_every_code() {
        const BEGIN: &str = "<!-- problem-codes:begin (generated from ProblemCode) -->\n";
        const END: &str = "<!-- problem-codes:end -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/API-DESIGN.md");
        let doc = std::fs::read_to_string(&path).unwrap();
        let mut table =
            String::from("| status | code | title (en / fr) | when |\n|---|---|---|---|\n");
        let mut codes = ProblemCode::ALL.to_vec();
        codes.sort_by_key(|code| code.status());
        for code in codes {
            table.push_str(&format!(
                "| {} | `{}` | {} / {} | {} |\n",
                code.status(),
                code.as_str(),
                code.title_en(),
                code.title_fr(),
                code.description()
            ));
        }
        let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
        let end = doc.find(END).expect("end marker");
        if doc[start..end] != table {
            if std::env::var_os("ENTRAIDE_DOCS_BLESS").is_some() {
                let updated = format!("{}{table}{}", &doc[..start], &doc[end..]);
                std::fs::write(&path, updated).unwrap();
            } else {
                panic!(
                    "docs/API-DESIGN.md does not list the problem codes: rerun with ENTRAIDE_DOCS_BLESS=1"
                );
            }
        }
    }
}
