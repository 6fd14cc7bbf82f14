//! The notification worker: what the clock, not a request, makes due — event reminders
//! (`event_reminder`, 24 hours ahead), questionnaires whose answering window opened
//! (`questionnaire_due`), and the e-mail digests — and the clean-up of photos uploaded more than
//! a day ago and never attached (`domain::media::UNATTACHED_LIFETIME`).
//!
//! Each pass is safe to run on several nodes at once and again at any time: a reminder or a
//! questionnaire notice is claimed once per (member, subject, moment) in the transaction that
//! writes it (`persistence::scheduled_notices::claim`), and a digest once per member and
//! period (`persistence::notifications::claim_digest`) before it is sent — so a digest whose
//! sending fails is not retried for that period (at most once, never twice).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entraide_domain::ids::MemberId;
use entraide_domain::media::UNATTACHED_LIFETIME;
use entraide_domain::notification::{
    Channel, DigestFrequency, Notice, NotificationKind, REMINDER_AHEAD, Subject,
};
use entraide_persistence::{Database, media, notifications, questionnaires, scheduled_notices};

use crate::configuration::Settings;
use crate::db;
use crate::error::ApiError;
use crate::mail::{Mailer, messages};
use crate::media::store::delete_all;
use crate::notices;
use crate::state::AppState;

/// Reminders considered per pass (the soonest first; the next pass takes the rest).
const REMINDER_BATCH: i64 = 500;
/// Unattached photos deleted per pass (the oldest first; the next pass takes the rest).
const MEDIA_CLEANUP_BATCH: i64 = 500;
/// Digests sent per frequency and pass.
const DIGEST_BATCH: i64 = 100;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    /// Event reminders written.
    pub reminders: usize,
    /// Questionnaire notices written.
    pub questionnaires: usize,
    /// Digests handed to the mailer.
    pub digests: usize,
    /// The members who got a notification (to wake their streams).
    pub woken: Vec<MemberId>,
    /// Unattached photos deleted (rows and files).
    pub media_deleted: usize,
}

/// One pass at `now` with the mailer the settings choose (SMTP or the outbox): for tests, with
/// their own clock, and for a process that runs the worker alone.
pub async fn run_once(
    database: &Database,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<Pass, ApiError> {
    let mailer = crate::mail::from_settings(settings, database)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    run_due(database, settings, &mailer, now).await
}

/// One pass at `now`: reminders, questionnaires due, digests. The server runs it every
/// `ENTRAIDE_NOTIFICATIONS_WORKER_INTERVAL_MS`.
pub(crate) async fn run_due(
    database: &Database,
    settings: &Settings,
    mailer: &Arc<dyn Mailer>,
    now: DateTime<Utc>,
) -> Result<Pass, ApiError> {
    let mut pass = Pass::default();
    let (reminders, mut woken) = remind(database, now).await?;
    pass.reminders = reminders;
    pass.woken.append(&mut woken);
    let (questionnaires, mut woken) = questionnaires_due(database, now).await?;
    pass.questionnaires = questionnaires;
    pass.woken.append(&mut woken);
    pass.digests = send_digests(database, settings, mailer, now).await?;
    pass.media_deleted = delete_unattached_media(database, settings, now).await?;
    pass.woken.sort_unstable();
    pass.woken.dedup();
    Ok(pass)
}

/// Photos uploaded before `now - UNATTACHED_LIFETIME` and never attached: rows deleted in one
/// transaction, then their files (a file left by a failed delete is harmless: no row names it).
async fn delete_unattached_media(
    database: &Database,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let cutoff = now
        .checked_sub_signed(UNATTACHED_LIFETIME)
        .ok_or_else(|| ApiError::internal("clock out of range"))?;
    let ids = db::write_outside_request(database.clone(), move |conn| {
        Ok(media::delete_unattached_before(
            conn,
            cutoff,
            MEDIA_CLEANUP_BATCH,
        )?)
    })
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let store = crate::media::store::from_settings(settings)
        .map_err(|e| ApiError::internal(format!("cannot open the media store: {e}")))?;
    let count = ids.len();
    actix_web::web::block(move || delete_all(store.as_ref(), &ids)).await?;
    Ok(count)
}

/// Members going to an event that starts within [`REMINDER_AHEAD`], once per event and start.
async fn remind(
    database: &Database,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<MemberId>), ApiError> {
    db::write_outside_request(database.clone(), move |conn| {
        let mut woken = Vec::new();
        let upcoming =
            scheduled_notices::upcoming_attendances(conn, now, REMINDER_AHEAD, REMINDER_BATCH)?;
        for attendance in upcoming {
            let notice = Notice {
                recipient: attendance.member,
                kind: NotificationKind::EventReminder,
                actor: None,
                subject: Subject {
                    event: Some(attendance.event),
                    ..Subject::default()
                },
                outcome: None,
            };
            let subject = attendance.event.as_uuid();
            if notices::scheduled(conn, notice, subject, attendance.starts_at, now)? {
                woken.push(attendance.member);
            }
        }
        Ok((woken.len(), woken))
    })
    .await
}

/// Questionnaires of open studies whose answering window is open: each member who consents to
/// the study now and has not answered in this window, once per window.
async fn questionnaires_due(
    database: &Database,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<MemberId>), ApiError> {
    let open = db::write_outside_request(database.clone(), move |conn| {
        let studies = scheduled_notices::open_studies(conn)?;
        Ok(questionnaires::of_studies(conn, &studies)?)
    })
    .await?;
    let mut woken = Vec::new();
    for questionnaire in open {
        let Some(window) = questionnaire.schedule.window_at(now) else {
            continue;
        };
        let mut written = db::write_outside_request(database.clone(), move |conn| {
            let mut written = Vec::new();
            let members = scheduled_notices::participants_without_answer(
                conn,
                questionnaire.study_id,
                questionnaire.id,
                window.opens_at,
            )?;
            for member in members {
                let notice = Notice {
                    recipient: member,
                    kind: NotificationKind::QuestionnaireDue,
                    actor: None,
                    subject: Subject {
                        other: Some(questionnaire.id.as_uuid()),
                        ..Subject::default()
                    },
                    outcome: None,
                };
                let subject = questionnaire.id.as_uuid();
                if notices::scheduled(conn, notice, subject, window.opens_at, now)? {
                    written.push(member);
                }
            }
            Ok(written)
        })
        .await?;
        woken.append(&mut written);
    }
    Ok((woken.len(), woken))
}

/// The digests due: for each member whose period began since their last digest, the unread
/// notifications of the kinds they send to `email_digest`, created since their last digest,
/// re-checked against what they may read now, counted by kind. Nothing to tell: no mail (the
/// period is still recorded).
async fn send_digests(
    database: &Database,
    settings: &Settings,
    mailer: &Arc<dyn Mailer>,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let link = format!("{}{}", settings.public_url(), settings.notifications_path);
    let mut sent = 0;
    for frequency in [DigestFrequency::Daily, DigestFrequency::Weekly] {
        let (Some(period), Some(length)) = (frequency.period_start(now), frequency.length()) else {
            continue;
        };
        let due = db::write_outside_request(database.clone(), move |conn| {
            Ok(notifications::digests_due(
                conn,
                frequency,
                period,
                now,
                DIGEST_BATCH,
            )?)
        })
        .await?;
        for member in due {
            let counts = db::write_outside_request(database.clone(), move |conn| {
                if !notifications::claim_digest(conn, member.member, period, now)? {
                    return Ok(None);
                }
                let kinds: Vec<NotificationKind> = notifications::settings(conn, member.member)?
                    .into_iter()
                    .filter(|(_, channel)| *channel == Channel::EmailDigest)
                    .map(|(kind, _)| kind)
                    .collect();
                let since = member
                    .last_sent_at
                    .or_else(|| now.checked_sub_signed(length));
                let stored = notifications::unread_since(conn, member.member, &kinds, since)?;
                let Some(reader) = notifications::reader_of(conn, member.member)? else {
                    return Ok(None);
                };
                let shown = notifications::visible(conn, reader, stored)?;
                let mut counts: Vec<(NotificationKind, usize)> = Vec::new();
                for notification in shown {
                    match counts.iter_mut().find(|(k, _)| *k == notification.kind) {
                        Some((_, n)) => *n = n.saturating_add(1),
                        None => counts.push((notification.kind, 1)),
                    }
                }
                counts.sort_unstable();
                Ok((!counts.is_empty()).then_some(counts))
            })
            .await?;
            let Some(counts) = counts else {
                continue;
            };
            let mail = messages::notification_digest(&member.email, &counts, &link);
            match mailer.deliver(mail).await {
                Ok(()) => sent += 1,
                Err(error) => {
                    tracing::error!(kind = "notification_digest", mailer = mailer.name(), %error, "mail not sent");
                }
            }
        }
    }
    Ok(sent)
}

/// Runs [`run_due`] every `interval` in the background (errors are logged) and wakes the
/// streams of the members it notified.
pub fn spawn_worker(state: actix_web::web::Data<AppState>, interval: Duration) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval);
        loop {
            tick.tick().await;
            match run_due(&state.db, &state.settings, &state.mailer, Utc::now()).await {
                Ok(pass) => state.hub.wake(&pass.woken),
                Err(error) => tracing::error!(%error, "scheduled notifications failed"),
            }
        }
    });
}
