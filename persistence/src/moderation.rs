//! Reports, the moderation queues and the moderation log (`domain::moderation`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use entraide_domain::ids::{GroupId, MediaId, MemberId, ModerationActionId, ReportId};
use entraide_domain::moderation::{Decision, Queue, ReportReason, TargetKind};

use crate::connection::DbConnection;
use crate::convert::{from_db_time, parse_enum, parse_id, to_db_time};
use crate::error::PersistenceError;
use crate::schema::{comments, moderation_actions, posts, reports};

/// What a member reports, with where it lives (resolved by the caller from what the reporter
/// may read).
#[derive(Debug, Clone)]
pub struct NewReport {
    pub reporter: MemberId,
    pub target_kind: TargetKind,
    pub target_id: String,
    pub target_author: Option<MemberId>,
    pub group: Option<GroupId>,
    pub reason: ReportReason,
    pub note: String,
    /// What the content said when reported (its first 500 characters).
    pub excerpt: Option<String>,
}

/// How many reports one member may file in an hour: beyond, 429 (urgent queues must not be
/// flooded).
pub const REPORTS_PER_HOUR: i64 = 30;

/// A report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: ReportId,
    pub reporter: Option<MemberId>,
    pub target_kind: TargetKind,
    pub target_id: String,
    pub target_author: Option<MemberId>,
    pub group: Option<GroupId>,
    pub reason: ReportReason,
    pub urgent: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision: Option<Decision>,
    /// Filed by the safety net.
    pub automatic: bool,
    /// What the content said when reported.
    pub excerpt: Option<String>,
}

impl Report {
    /// The queue the report waits in.
    pub fn queue(&self) -> Queue {
        entraide_domain::moderation::queue_for(self.reason, self.group)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = reports)]
struct ReportRow {
    id: String,
    reporter_id: Option<String>,
    target_kind: String,
    target_id: String,
    target_author_id: Option<String>,
    group_id: Option<String>,
    reason: String,
    urgent: bool,
    note: String,
    created_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
    decision: Option<String>,
    automatic: bool,
    excerpt: Option<String>,
}

impl ReportRow {
    fn into_domain(self) -> Result<Report, PersistenceError> {
        Ok(Report {
            id: parse_id(&self.id)?,
            reporter: self.reporter_id.as_deref().map(parse_id).transpose()?,
            target_kind: parse_enum(&self.target_kind, TargetKind::parse)?,
            target_id: self.target_id,
            target_author: self.target_author_id.as_deref().map(parse_id).transpose()?,
            group: self.group_id.as_deref().map(parse_id).transpose()?,
            reason: parse_enum(&self.reason, ReportReason::parse)?,
            urgent: self.urgent,
            note: self.note,
            created_at: from_db_time(self.created_at),
            decided_at: self.decided_at.map(from_db_time),
            decision: self
                .decision
                .as_deref()
                .map(|raw| parse_enum(raw, Decision::parse))
                .transpose()?,
            automatic: self.automatic,
            excerpt: self.excerpt,
        })
    }
}

/// Files a report, or answers the reporter's report of the same target still waiting for a
/// decision (`false`: nothing new was stored). Serialised per reporter and target.
pub fn file(
    conn: &mut DbConnection,
    report: &NewReport,
    now: DateTime<Utc>,
) -> Result<(Report, bool), PersistenceError> {
    let reporter = report.reporter.to_string();
    crate::dialect::lock_key(
        conn,
        &format!(
            "report:{reporter}:{}:{}",
            report.target_kind.as_str(),
            report.target_id
        ),
    )?;
    let open = reports::table
        .filter(reports::reporter_id.eq(&reporter))
        .filter(reports::target_kind.eq(report.target_kind.as_str()))
        .filter(reports::target_id.eq(&report.target_id))
        .filter(reports::decided_at.is_null())
        .select(ReportRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(open) = open {
        let open = open.into_domain()?;
        // Reported again as urgent: the waiting report becomes urgent (and moves to platform
        // moderators) rather than the urgency being lost.
        if report.reason.is_urgent() && !open.urgent {
            diesel::update(reports::table.find(open.id.to_string()))
                .set((
                    reports::reason.eq(report.reason.as_str()),
                    reports::urgent.eq(true),
                ))
                .execute(conn)?;
            let upgraded = find(conn, open.id)?.ok_or(PersistenceError::NotFound)?;
            return Ok((upgraded, false));
        }
        return Ok((open, false));
    }
    let id = ReportId::new();
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(id.to_string()),
            reports::reporter_id.eq(Some(&reporter)),
            reports::target_kind.eq(report.target_kind.as_str()),
            reports::target_id.eq(&report.target_id),
            reports::target_author_id.eq(report.target_author.map(|a| a.to_string())),
            reports::group_id.eq(report.group.map(|g| g.to_string())),
            reports::reason.eq(report.reason.as_str()),
            reports::urgent.eq(report.reason.is_urgent()),
            reports::note.eq(&report.note),
            reports::created_at.eq(to_db_time(now)),
            reports::excerpt.eq(&report.excerpt),
        ))
        .execute(conn)?;
    let stored = find(conn, id)?.ok_or(PersistenceError::NotFound)?;
    Ok((stored, true))
}

/// How many reports `reporter` filed since `since`. Takes a lock per reporter until the
/// transaction ends, so concurrent reports cannot all pass the same count: call it first.
pub fn filed_since(
    conn: &mut DbConnection,
    reporter: MemberId,
    since: DateTime<Utc>,
) -> Result<i64, PersistenceError> {
    crate::dialect::lock_key(conn, &format!("reports-by:{reporter}"))?;
    Ok(reports::table
        .filter(reports::reporter_id.eq(reporter.to_string()))
        .filter(reports::created_at.ge(to_db_time(since)))
        .count()
        .get_result(conn)?)
}

pub fn find(conn: &mut DbConnection, id: ReportId) -> Result<Option<Report>, PersistenceError> {
    reports::table
        .find(id.to_string())
        .select(ReportRow::as_select())
        .first(conn)
        .optional()?
        .map(ReportRow::into_domain)
        .transpose()
}

/// Queues content whose words express distress as an urgent report with no reporter (the
/// platform noticed it), unless one for the same author already waits: one is enough to
/// draw moderators to them, and repeating the words cannot flood the urgent queue. `true`
/// when one was filed.
pub fn flag_distress(
    conn: &mut DbConnection,
    kind: TargetKind,
    target: &str,
    author: MemberId,
    group: Option<GroupId>,
    excerpt: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    crate::dialect::lock_key(conn, &format!("report:system:{author}"))?;
    let waiting: i64 = reports::table
        .filter(reports::automatic.eq(true))
        .filter(reports::target_author_id.eq(author.to_string()))
        .filter(reports::decided_at.is_null())
        .count()
        .get_result(conn)?;
    if waiting > 0 {
        return Ok(false);
    }
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(ReportId::new().to_string()),
            reports::reporter_id.eq(None::<String>),
            reports::target_kind.eq(kind.as_str()),
            reports::target_id.eq(target),
            reports::target_author_id.eq(Some(author.to_string())),
            reports::group_id.eq(group.map(|g| g.to_string())),
            reports::reason.eq(ReportReason::SelfHarm.as_str()),
            reports::urgent.eq(true),
            reports::note.eq(DISTRESS_NOTE),
            reports::created_at.eq(to_db_time(now)),
            reports::automatic.eq(true),
            reports::excerpt.eq(Some(excerpt_of(excerpt))),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The note of a report the safety net filed.
pub const DISTRESS_NOTE: &str =
    "Signalement automatique : le texte contient une expression de détresse (filet de sécurité).";

/// Where a queue page starts: after this report (urgent ones come first).
#[derive(Debug, Clone, Copy)]
pub struct QueuePosition {
    pub urgent: bool,
    pub id: ReportId,
}

/// The first 500 characters of a reported text, as reports keep it.
pub fn excerpt_of(text: &str) -> String {
    text.chars().take(500).collect()
}

/// A page of a queue's open reports: urgent first, then oldest first; never those about
/// `reader` (another moderator decides them).
pub fn queue(
    conn: &mut DbConnection,
    queue: Queue,
    reader: MemberId,
    after: Option<QueuePosition>,
    limit: i64,
) -> Result<Vec<Report>, PersistenceError> {
    let mut query = reports::table
        .filter(reports::decided_at.is_null())
        .filter(
            reports::target_author_id
                .is_null()
                .or(reports::target_author_id.ne(reader.to_string())),
        )
        .select(ReportRow::as_select())
        .order((reports::urgent.desc(), reports::id.asc()))
        .limit(limit)
        .into_boxed();
    query = match queue {
        Queue::Platform => query.filter(reports::group_id.is_null().or(reports::urgent.eq(true))),
        Queue::Group(group) => query
            .filter(reports::group_id.eq(group.to_string()))
            .filter(reports::urgent.eq(false)),
    };
    if let Some(after) = after {
        let id = after.id.to_string();
        query = if after.urgent {
            query.filter(reports::urgent.eq(false).or(reports::id.gt(id)))
        } else {
            query
                .filter(reports::urgent.eq(false))
                .filter(reports::id.gt(id))
        };
    }
    query
        .load::<ReportRow>(conn)?
        .into_iter()
        .map(ReportRow::into_domain)
        .collect()
}

/// A page of the reports a member made, newest first.
pub fn by_reporter(
    conn: &mut DbConnection,
    reporter: MemberId,
    before: Option<ReportId>,
    limit: i64,
) -> Result<Vec<Report>, PersistenceError> {
    let mut query = reports::table
        .filter(reports::reporter_id.eq(reporter.to_string()))
        .select(ReportRow::as_select())
        .order(reports::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(reports::id.lt(before.to_string()));
    }
    query
        .load::<ReportRow>(conn)?
        .into_iter()
        .map(ReportRow::into_domain)
        .collect()
}

/// One entry of the moderation log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: ModerationActionId,
    pub report: Option<ReportId>,
    pub moderator: Option<MemberId>,
    pub target_kind: TargetKind,
    pub target_id: String,
    pub target_author: Option<MemberId>,
    pub group: Option<GroupId>,
    pub decision: Decision,
    pub reason: String,
    pub at: DateTime<Utc>,
    /// Until when a suspension or ban holds.
    pub until: Option<DateTime<Utc>>,
    /// It answered an urgent report: platform moderators only.
    pub urgent: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = moderation_actions)]
pub(crate) struct LogRow {
    id: String,
    report_id: Option<String>,
    moderator_id: Option<String>,
    target_kind: String,
    target_id: String,
    target_author_id: Option<String>,
    group_id: Option<String>,
    action: String,
    reason: String,
    created_at: NaiveDateTime,
    until_at: Option<NaiveDateTime>,
    urgent: bool,
}

impl LogRow {
    pub(crate) fn into_domain(self) -> Result<LogEntry, PersistenceError> {
        Ok(LogEntry {
            id: parse_id(&self.id)?,
            report: self.report_id.as_deref().map(parse_id).transpose()?,
            moderator: self.moderator_id.as_deref().map(parse_id).transpose()?,
            target_kind: parse_enum(&self.target_kind, TargetKind::parse)?,
            target_id: self.target_id,
            target_author: self.target_author_id.as_deref().map(parse_id).transpose()?,
            group: self.group_id.as_deref().map(parse_id).transpose()?,
            decision: parse_enum(&self.action, Decision::parse)?,
            reason: self.reason,
            at: from_db_time(self.created_at),
            until: self.until_at.map(from_db_time),
            urgent: self.urgent,
        })
    }
}

/// Serialises decisions about one target until the transaction ends (two moderators deciding
/// reports of the same post at once). First in the transaction after the rights check.
pub fn lock_target(
    conn: &mut DbConnection,
    kind: TargetKind,
    id: &str,
) -> Result<(), PersistenceError> {
    crate::dialect::lock_key(conn, &format!("moderation:{}:{id}", kind.as_str()))
}

/// Decides `report` and every other open report of the same target in the same queue (one
/// decision answers them all), applies the decision to the content and writes the log entry.
/// The caller checked the moderator's right and that the decision applies to the target.
pub fn decide(
    conn: &mut DbConnection,
    report: &Report,
    decision: Decision,
    moderator: MemberId,
    reason: &str,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(LogEntry, Vec<MediaId>), PersistenceError> {
    let at = to_db_time(now);
    let same_target = reports::table
        .filter(reports::target_kind.eq(report.target_kind.as_str()))
        .filter(reports::target_id.eq(&report.target_id))
        .filter(reports::decided_at.is_null());
    let decided = match report.queue() {
        Queue::Platform => diesel::update(
            same_target.filter(reports::group_id.is_null().or(reports::urgent.eq(true))),
        )
        .set((
            reports::decided_at.eq(Some(at)),
            reports::decision.eq(Some(decision.as_str())),
        ))
        .execute(conn)?,
        Queue::Group(group) => diesel::update(
            same_target
                .filter(reports::group_id.eq(group.to_string()))
                .filter(reports::urgent.eq(false)),
        )
        .set((
            reports::decided_at.eq(Some(at)),
            reports::decision.eq(Some(decision.as_str())),
        ))
        .execute(conn)?,
    };
    if decided == 0 {
        // Decided meanwhile: the caller read it open in this transaction, so this is a bug.
        return Err(PersistenceError::NotFound);
    }
    let photos = apply(conn, report, decision, until, now)?;
    let entry = record(
        conn,
        LogEntry {
            id: ModerationActionId::new(),
            report: Some(report.id),
            moderator: Some(moderator),
            target_kind: report.target_kind,
            target_id: report.target_id.clone(),
            target_author: report.target_author,
            group: report.group,
            decision,
            reason: reason.to_owned(),
            at: now,
            until,
            urgent: report.urgent,
        },
    )?;
    Ok((entry, photos))
}

/// The open reports a decision on `report` answers (every open report of the same target in
/// its queue, as [`decide`] closes them) with their reporter: whom to tell it was decided.
/// Call before [`decide`], in its transaction.
pub fn open_reporters(
    conn: &mut DbConnection,
    report: &Report,
) -> Result<Vec<(ReportId, MemberId)>, PersistenceError> {
    let same_target = reports::table
        .filter(reports::target_kind.eq(report.target_kind.as_str()))
        .filter(reports::target_id.eq(&report.target_id))
        .filter(reports::decided_at.is_null())
        .filter(reports::reporter_id.is_not_null())
        .select((reports::id, reports::reporter_id))
        .order(reports::id.asc())
        .into_boxed();
    let found: Vec<(String, Option<String>)> = match report.queue() {
        Queue::Platform => same_target
            .filter(reports::group_id.is_null().or(reports::urgent.eq(true)))
            .load(conn)?,
        Queue::Group(group) => same_target
            .filter(reports::group_id.eq(group.to_string()))
            .filter(reports::urgent.eq(false))
            .load(conn)?,
    };
    found
        .into_iter()
        .filter_map(|(id, reporter)| reporter.map(|r| (id, r)))
        .map(|(id, reporter)| Ok((parse_id(&id)?, parse_id(&reporter)?)))
        .collect()
}

/// Writes a log entry.
pub(crate) fn record(
    conn: &mut DbConnection,
    entry: LogEntry,
) -> Result<LogEntry, PersistenceError> {
    diesel::insert_into(moderation_actions::table)
        .values((
            moderation_actions::id.eq(entry.id.to_string()),
            moderation_actions::report_id.eq(entry.report.map(|r| r.to_string())),
            moderation_actions::moderator_id.eq(entry.moderator.map(|m| m.to_string())),
            moderation_actions::target_kind.eq(entry.target_kind.as_str()),
            moderation_actions::target_id.eq(&entry.target_id),
            moderation_actions::target_author_id.eq(entry.target_author.map(|a| a.to_string())),
            moderation_actions::group_id.eq(entry.group.map(|g| g.to_string())),
            moderation_actions::action.eq(entry.decision.as_str()),
            moderation_actions::reason.eq(&entry.reason),
            moderation_actions::created_at.eq(to_db_time(entry.at)),
            moderation_actions::until_at.eq(entry.until.map(to_db_time)),
            moderation_actions::urgent.eq(entry.urgent),
        ))
        .execute(conn)?;
    Ok(entry)
}

/// Lifts a member's platform suspension or ban and logs it.
pub fn reinstate(
    conn: &mut DbConnection,
    member: MemberId,
    moderator: MemberId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<LogEntry, PersistenceError> {
    crate::members::set_suspension(conn, member, None, now)?;
    record(
        conn,
        LogEntry {
            id: ModerationActionId::new(),
            report: None,
            moderator: Some(moderator),
            target_kind: TargetKind::Member,
            target_id: member.to_string(),
            target_author: Some(member),
            group: None,
            decision: Decision::Reinstate,
            reason: reason.to_owned(),
            at: now,
            until: None,
            urgent: false,
        },
    )
}

/// What a decision does to the content: hiding sets `hidden_at`, removing deletes it as its
/// author would (with its photos: their ids are returned, the files go after commit).
/// Dismissals and warnings change nothing.
fn apply(
    conn: &mut DbConnection,
    report: &Report,
    decision: Decision,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Vec<MediaId>, PersistenceError> {
    let at = Some(to_db_time(now));
    if decision.sanctions() {
        let Some(member) = report.target_author else {
            return Ok(Vec::new());
        };
        match report.queue() {
            Queue::Platform => {
                // A shorter suspension never cuts a longer one (or a ban) short.
                let current = crate::members::find_credentials(conn, member)?
                    .and_then(|c| c.suspended_until)
                    .filter(|end| *end > now);
                let until = match (current, until) {
                    (Some(current), Some(new)) => Some(current.max(new)),
                    (current, new) => new.or(current),
                };
                crate::members::set_suspension(conn, member, until, now)?
            }
            Queue::Group(group) => crate::groups::set_membership(
                conn,
                group,
                member,
                entraide_domain::group::Membership {
                    role: entraide_domain::group::GroupRole::Member,
                    status: entraide_domain::group::MembershipStatus::Banned,
                },
                now,
            )?,
        }
        return Ok(Vec::new());
    }
    match (decision, report.target_kind) {
        (Decision::Hide, TargetKind::Post) => {
            diesel::update(posts::table.find(&report.target_id))
                .set(posts::hidden_at.eq(at))
                .execute(conn)?;
        }
        (Decision::Hide, TargetKind::Comment) => {
            // The post's comment count is what readers can see: a hidden comment leaves it.
            let id = parse_id(&report.target_id)?;
            if let Some(comment) = crate::comments::find_any(conn, id)?
                && !comment.hidden
                && !comment.deleted
            {
                diesel::update(comments::table.find(&report.target_id))
                    .set(comments::hidden_at.eq(at))
                    .execute(conn)?;
                crate::posts::add_to_comment_count(conn, comment.post_id, -1)?;
            }
        }
        (Decision::Remove, TargetKind::Post) => {
            let id = parse_id(&report.target_id)?;
            return crate::posts::soft_delete(conn, id, now);
        }
        (Decision::Remove, TargetKind::Message) => {
            crate::messages::remove(conn, parse_id(&report.target_id)?)?;
        }
        (Decision::Remove, TargetKind::Comment) => {
            let id = parse_id(&report.target_id)?;
            if let Some(comment) = crate::comments::find_any(conn, id)?
                && !comment.deleted
            {
                return crate::comments::soft_delete(conn, &comment, now);
            }
        }
        _ => {}
    }
    Ok(Vec::new())
}

/// Which part of the log a page shows.
#[derive(Debug, Clone, Copy)]
pub enum LogScope {
    /// Everything (platform moderators).
    All,
    /// One group's entries.
    Group(GroupId),
    /// Hides, removals and warnings about what a member wrote (what they are told).
    About(MemberId),
    /// The decisions a moderator took.
    By(MemberId),
}

/// One log entry by id.
pub fn find_entry(
    conn: &mut DbConnection,
    id: ModerationActionId,
) -> Result<Option<LogEntry>, PersistenceError> {
    moderation_actions::table
        .find(id.to_string())
        .select(LogRow::as_select())
        .first::<LogRow>(conn)
        .optional()?
        .map(LogRow::into_domain)
        .transpose()
}

/// A page of the moderation log, newest first.
pub fn log(
    conn: &mut DbConnection,
    scope: LogScope,
    before: Option<ModerationActionId>,
    limit: i64,
) -> Result<Vec<LogEntry>, PersistenceError> {
    let mut query = moderation_actions::table
        .select(LogRow::as_select())
        .order(moderation_actions::id.desc())
        .limit(limit)
        .into_boxed();
    query = match scope {
        LogScope::All => query,
        LogScope::Group(group) => query
            .filter(moderation_actions::group_id.eq(group.to_string()))
            .filter(moderation_actions::urgent.eq(false)),
        LogScope::About(member) => query
            .filter(moderation_actions::target_author_id.eq(member.to_string()))
            .filter(moderation_actions::action.ne(Decision::Dismiss.as_str())),
        LogScope::By(member) => {
            query.filter(moderation_actions::moderator_id.eq(member.to_string()))
        }
    };
    if let Some(before) = before {
        query = query.filter(moderation_actions::id.lt(before.to_string()));
    }
    query
        .load::<LogRow>(conn)?
        .into_iter()
        .map(LogRow::into_domain)
        .collect()
}
