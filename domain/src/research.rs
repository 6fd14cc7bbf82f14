//! Research studies: when a questionnaire is due for a member, and what an aggregate may show
//! without describing fewer than k participants.

use chrono::{DateTime, Months, TimeDelta, Utc};

use std::collections::BTreeMap;

use crate::error::{Errors, FieldError, ParseError};
use crate::ids::{ConditionId, MemberId, QuestionnaireId, ResponseId, StudyId};
use crate::member::{MemberKind, PlatformRole};
use crate::policy::{Refusal, allow};
use crate::questionnaire::{AnswerValue, Code, Definition, ItemKind};
use crate::text::{Description, Label, Title};
use crate::time::check_instant;

/// The most questionnaires a study holds (each is loaded for the due list and the study page).
pub const MAX_QUESTIONNAIRES: usize = 20;

/// The smallest number of participants a published figure may describe.
pub const K_ANONYMITY: u64 = 5;

/// How often a questionnaire is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// Once, from the day the questionnaire opens.
    Once,
    /// Every N days (1–366).
    EveryDays(u32),
    /// Every N months (1–24), ComPaRe-style follow-up.
    EveryMonths(u32),
}

/// When a questionnaire is asked: from `opens_at`, then again by `recurrence`, each time for
/// `window_days` (1–90, and never longer than the recurrence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub opens_at: DateTime<Utc>,
    pub recurrence: Recurrence,
    pub window_days: u32,
}

/// One answering window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl Schedule {
    /// 422 on `recurrence` (every 1–366 days or 1–24 months) and on `window_days` (1–90, and
    /// within one recurrence for a repeated questionnaire: windows never overlap); `opens_at`
    /// within the request date window.
    pub fn parse(
        opens_at: DateTime<Utc>,
        recurrence: Recurrence,
        window_days: u32,
    ) -> Result<Self, ParseError> {
        let mut errors = Errors::new();
        errors.check("opens_at", check_instant("opens_at", opens_at));
        let shortest_days = match recurrence {
            Recurrence::Once => None,
            Recurrence::EveryDays(days) => Some(days),
            // The shortest month.
            Recurrence::EveryMonths(months) => Some(months.saturating_mul(28)),
        };
        let recurrence_fits = match recurrence {
            Recurrence::Once => true,
            Recurrence::EveryDays(days) => (1..=366).contains(&days),
            Recurrence::EveryMonths(months) => (1..=24).contains(&months),
        };
        if !recurrence_fits {
            errors.push(FieldError::new(
                "recurrence",
                "out_of_range",
                "every 1 to 366 days, or 1 to 24 months",
            ));
        }
        if !(1..=90).contains(&window_days) || shortest_days.is_some_and(|d| window_days > d) {
            errors.push(FieldError::new(
                "window_days",
                "out_of_range",
                "between 1 and 90 days, and not longer than the recurrence",
            ));
        }
        errors.finish()?;
        Ok(Self {
            opens_at,
            recurrence,
            window_days,
        })
    }

    /// The start of the `index`th window, if representable.
    fn start(&self, index: u32) -> Option<DateTime<Utc>> {
        match self.recurrence {
            Recurrence::Once => (index == 0).then_some(self.opens_at),
            Recurrence::EveryDays(days) => self
                .opens_at
                .checked_add_signed(TimeDelta::days(i64::from(days.checked_mul(index)?))),
            Recurrence::EveryMonths(months) => self
                .opens_at
                .checked_add_months(Months::new(months.checked_mul(index)?)),
        }
    }

    /// The window `now` falls in, if any.
    pub fn window_at(&self, now: DateTime<Utc>) -> Option<Window> {
        if now < self.opens_at {
            return None;
        }
        // The index of the last window started by `now`: computed for days, walked for months
        // (at most a few hundred steps over a study's life).
        let mut index = match self.recurrence {
            Recurrence::Once => 0,
            Recurrence::EveryDays(days) => {
                let elapsed = now.signed_duration_since(self.opens_at).num_days();
                u32::try_from(elapsed.checked_div(i64::from(days.max(1)))?).ok()?
            }
            Recurrence::EveryMonths(_) => {
                let mut index: u32 = 0;
                while self
                    .start(index.checked_add(1)?)
                    .is_some_and(|next| next <= now)
                {
                    index = index.checked_add(1)?;
                }
                index
            }
        };
        if self.start(index)? > now {
            index = index.checked_sub(1)?;
        }
        let opens_at = self.start(index)?;
        let closes_at =
            opens_at.checked_add_signed(TimeDelta::days(i64::from(self.window_days)))?;
        (now < closes_at).then_some(Window {
            opens_at,
            closes_at,
        })
    }

    /// Is the questionnaire due for a member who last answered at `last_answer`? When `now` is
    /// in a window and they have not answered within it.
    pub fn due(&self, last_answer: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Window> {
        let window = self.window_at(now)?;
        let answered = last_answer.is_some_and(|at| at >= window.opens_at && at < window.closes_at);
        (!answered).then_some(window)
    }
}

/// Small-cell suppression of a frequency table whose total is published: a cell counting 1 to
/// k−1 participants is hidden; once any cell is hidden, the zero cells are hidden too (a shown
/// zero would pin the hidden ones down), and more cells — the smallest non-zero ones first —
/// until the hidden cells add up to at least k (otherwise total − visible cells tells how few
/// the hidden ones describe). When the total itself is below k, every cell is hidden.
pub fn suppress(cells: &[u64], k: u64) -> Vec<Option<u64>> {
    let total = cells.iter().fold(0_u64, |sum, c| sum.saturating_add(*c));
    if total < k {
        return vec![None; cells.len()];
    }
    let small = |c: u64| c > 0 && c < k;
    let mut shown: Vec<Option<u64>> = cells.iter().map(|c| (!small(*c)).then_some(*c)).collect();
    if shown.iter().all(Option::is_some) {
        return shown;
    }
    for cell in &mut shown {
        if *cell == Some(0) {
            *cell = None;
        }
    }
    loop {
        let hidden = cells
            .iter()
            .zip(&shown)
            .filter(|(_, s)| s.is_none())
            .fold(0_u64, |sum, (c, _)| sum.saturating_add(*c));
        if hidden >= k {
            break;
        }
        let smallest = shown
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (c, i)))
            .min();
        match smallest.and_then(|(_, index)| shown.get_mut(index)) {
            Some(cell) => *cell = None,
            None => break,
        }
    }
    shown
}

/// Summary statistics of numeric answers, published only when they describe at least k
/// participants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub mean: f64,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

/// Mean, median and quartiles (linear interpolation between order statistics) of finite
/// values; `None` below `k` values.
#[allow(
    clippy::cast_precision_loss,
    clippy::arithmetic_side_effects,
    reason = "floating-point statistics over at most a few million answers: no overflow, and \
              counts far below 2^53"
)]
pub fn summarize(values: &[f64], k: u64) -> Option<Summary> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let count = u64::try_from(sorted.len()).ok()?;
    if count < k || sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let position = q * (sorted.len() - 1) as f64;
        let below = position.floor();
        let low = sorted.get(below as usize).copied().unwrap_or(f64::NAN);
        let high = sorted.get(position.ceil() as usize).copied().unwrap_or(low);
        low + (high - low) * (position - below)
    };
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    Some(Summary {
        count,
        mean,
        median: quantile(0.5),
        q1: quantile(0.25),
        q3: quantile(0.75),
    })
}

/// A questionnaire as its researcher writes it (or rewrites it: a new version).
#[derive(Debug, Clone, PartialEq)]
pub struct NewQuestionnaire {
    pub title: Title,
    pub schedule: Schedule,
    pub definition: Definition,
}

/// A questionnaire at its current version.
#[derive(Debug, Clone, PartialEq)]
pub struct Questionnaire {
    pub id: QuestionnaireId,
    pub study_id: StudyId,
    pub title: Title,
    pub schedule: Schedule,
    /// The version members answer now (1 for the first).
    pub version: u32,
    pub definition: Definition,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One answer set, on the version it was given on.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub id: ResponseId,
    pub questionnaire_id: QuestionnaireId,
    pub study_id: StudyId,
    pub version: u32,
    pub answers: BTreeMap<Code, AnswerValue>,
    pub answered_at: DateTime<Utc>,
}

/// Policy: may a free-text answer leave the platform in an export? Only when the consent
/// text the participant agreed to says so.
pub fn exports_free_text(kind: &ItemKind, text_shares_free_text: bool) -> bool {
    !matches!(kind, ItemKind::Text { .. }) || text_shares_free_text
}

/// What an aggregate shows of one item, every figure describing at least k participants.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemAggregate {
    /// Choices and yes/no: participants per answer, and those who gave none (skipped or
    /// optional), small cells and their complements hidden (`None`).
    Counts {
        cells: Vec<(String, Option<u64>)>,
        unanswered: Option<u64>,
    },
    /// Scales and numbers: how many answered (hidden with its complement when small), and
    /// statistics when at least k did.
    Statistics {
        answered: Option<u64>,
        unanswered: Option<u64>,
        summary: Option<Summary>,
    },
    /// Dates and free text: how many answered, nothing of what.
    Answered {
        answered: Option<u64>,
        unanswered: Option<u64>,
    },
}

/// Aggregates of one questionnaire version over one answer set per participant (their latest
/// on that version). With fewer than k participants, every figure is hidden.
#[allow(
    clippy::cast_precision_loss,
    reason = "scale answers are within ±1e9, exact in an f64"
)]
pub fn aggregate(
    definition: &Definition,
    answer_sets: &[&BTreeMap<Code, AnswerValue>],
    k: u64,
) -> Vec<(Code, ItemAggregate)> {
    let total = u64::try_from(answer_sets.len()).unwrap_or(u64::MAX);
    let count = |predicate: &dyn Fn(&AnswerValue) -> bool, code: &Code| -> u64 {
        let hits = answer_sets
            .iter()
            .filter(|set| set.get(code).is_some_and(predicate))
            .count();
        u64::try_from(hits).unwrap_or(u64::MAX)
    };
    definition
        .items()
        .iter()
        .map(|item| {
            let code = &item.link_id;
            let answered = count(&|_| true, code);
            let unanswered = total.saturating_sub(answered);
            let pair = suppress(&[answered, unanswered], k);
            let (answered_shown, unanswered_shown) = (
                pair.first().copied().flatten(),
                pair.get(1).copied().flatten(),
            );
            let aggregate = match &item.kind {
                ItemKind::Choice { options } | ItemKind::MultipleChoice { options } => {
                    let mut cells: Vec<u64> = options
                        .iter()
                        .map(|option| {
                            count(
                                &|value| match value {
                                    AnswerValue::Code(given) => given == &option.code,
                                    AnswerValue::Codes(given) => given.contains(&option.code),
                                    _ => false,
                                },
                                code,
                            )
                        })
                        .collect();
                    cells.push(unanswered);
                    let shown = suppress(&cells, k);
                    ItemAggregate::Counts {
                        cells: options
                            .iter()
                            .map(|o| o.code.as_str().to_owned())
                            .zip(shown.iter().copied())
                            .collect(),
                        unanswered: shown.last().copied().flatten(),
                    }
                }
                ItemKind::Boolean => {
                    let yes = count(&|v| v == &AnswerValue::Boolean(true), code);
                    let no = count(&|v| v == &AnswerValue::Boolean(false), code);
                    let shown = suppress(&[yes, no, unanswered], k);
                    ItemAggregate::Counts {
                        cells: vec![
                            ("true".to_owned(), shown.first().copied().flatten()),
                            ("false".to_owned(), shown.get(1).copied().flatten()),
                        ],
                        unanswered: shown.get(2).copied().flatten(),
                    }
                }
                ItemKind::Scale { .. } | ItemKind::Number { .. } => {
                    let values: Vec<f64> = answer_sets
                        .iter()
                        .filter_map(|set| match set.get(code) {
                            Some(AnswerValue::Integer(n)) => Some(*n as f64),
                            Some(AnswerValue::Number(n)) => Some(*n),
                            _ => None,
                        })
                        .collect();
                    // Statistics describe the answered: only when that count is itself shown,
                    // and from 2k answers (quartiles of fewer are nearly individual answers).
                    ItemAggregate::Statistics {
                        answered: answered_shown,
                        unanswered: unanswered_shown,
                        summary: answered_shown
                            .and_then(|_| summarize(&values, k.saturating_mul(2))),
                    }
                }
                ItemKind::Date | ItemKind::Text { .. } => ItemAggregate::Answered {
                    answered: answered_shown,
                    unanswered: unanswered_shown,
                },
            };
            (code.clone(), aggregate)
        })
        .collect()
}

/// Where a study stands: drafted by its researcher, open to consents and answers, or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyStatus {
    Draft,
    Open,
    Closed,
}

wire_enum!(StudyStatus, "status", "invalid_status",
    Draft => "draft",
    Open => "open",
    Closed => "closed",
);

/// Who a study is for. Conditions: a member living with (or caring for someone with) one of
/// them; none means any. Ages are an inclusive band in years; profiles carry no age yet, so
/// the band is shown to members and not enforced (decided in `docs/ARCHITECTURE.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub kinds: Vec<MemberKind>,
    pub condition_ids: Vec<ConditionId>,
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
}

impl Eligibility {
    /// 422 on `eligibility.kinds` (one or more, distinct) and on `eligibility.max_age`
    /// (ages up to 120, min not above max).
    pub fn parse(
        kinds: Vec<MemberKind>,
        condition_ids: Vec<ConditionId>,
        min_age: Option<u8>,
        max_age: Option<u8>,
    ) -> Result<Self, ParseError> {
        let mut errors = Errors::new();
        let distinct: std::collections::BTreeSet<&str> = kinds.iter().map(|k| k.as_str()).collect();
        if kinds.is_empty() || distinct.len() != kinds.len() {
            errors.push(FieldError::new(
                "eligibility.kinds",
                "invalid_kinds",
                "one or more distinct member kinds",
            ));
        }
        let within = |age: Option<u8>| age.is_none_or(|a| a <= 120);
        let ordered = match (min_age, max_age) {
            (Some(min), Some(max)) => min <= max,
            _ => true,
        };
        if !(within(min_age) && within(max_age) && ordered) {
            errors.push(FieldError::new(
                "eligibility.max_age",
                "invalid_range",
                "ages from 0 to 120, the minimum not above the maximum",
            ));
        }
        errors.finish()?;
        Ok(Self {
            kinds,
            condition_ids,
            min_age,
            max_age,
        })
    }

    /// Does a member of `kind` with these declared conditions fit? (Ages: see the type.)
    pub fn admits(&self, kind: MemberKind, conditions: &[ConditionId]) -> bool {
        self.kinds.contains(&kind)
            && (self.condition_ids.is_empty()
                || self.condition_ids.iter().any(|c| conditions.contains(c)))
    }
}

/// A study as its researcher writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStudy {
    pub title: Title,
    pub lay_summary: Description,
    pub sponsor: Label,
    /// The ethics committee's approval reference (e.g. an IRB or CPP number).
    pub ethics_reference: Label,
    pub eligibility: Eligibility,
}

/// A study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Study {
    pub id: StudyId,
    pub title: Title,
    pub lay_summary: Description,
    pub sponsor: Label,
    pub ethics_reference: Label,
    pub eligibility: Eligibility,
    pub status: StudyStatus,
    pub created_by: Option<MemberId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Policy: who sees a study? Anyone once it is open or closed (members read it before
/// consenting); while a draft, its researcher and platform admins.
pub fn can_read_study(study: &Study, actor: Option<MemberId>, actor_role: PlatformRole) -> bool {
    study.status != StudyStatus::Draft
        || actor.is_some_and(|a| study.created_by == Some(a))
        || actor_role == PlatformRole::Admin
}

/// Policy: who changes a study, its questionnaires and consent text, and reads its answers?
/// Its researcher while they hold the right; platform admins.
pub fn can_manage_study(
    study: &Study,
    actor: MemberId,
    actor_role: PlatformRole,
    actor_is_researcher: bool,
) -> Result<(), Refusal> {
    allow(
        actor_role == PlatformRole::Admin
            || (actor_is_researcher && study.created_by == Some(actor)),
        Refusal::Forbidden,
    )
}

/// Why a step on a study is refused by where the study stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StudyRefusal {
    /// A study moves from draft to open to closed, never back (409).
    #[error("a study moves from draft to open to closed, never back")]
    InvalidStatus,
    /// Who a study is for is settled once it opens: members consented to it (409).
    #[error("the study is no longer a draft")]
    NotDraft,
    /// Consents and answers are taken while the study is open (409).
    #[error("the study is not open")]
    NotOpen,
    /// A closed study changes no more (409).
    #[error("the study is closed")]
    Closed,
}

/// Policy: who creates a study? A member holding the researcher right (granted by a platform
/// admin, never by oneself).
pub fn can_create_study(actor_is_researcher: bool) -> Result<(), Refusal> {
    allow(actor_is_researcher, Refusal::NotAResearcher)
}

/// Policy: may a member consent to a study? When its eligibility admits their kind and
/// declared conditions (their own data: nothing private is read for anyone else).
pub fn can_enrol(
    eligibility: &Eligibility,
    kind: MemberKind,
    conditions: &[ConditionId],
) -> Result<(), Refusal> {
    allow(eligibility.admits(kind, conditions), Refusal::NotEligible)
}

/// Policy: a study moves from draft to open to closed, never back (staying put is no move).
pub fn can_move(from: StudyStatus, to: StudyStatus) -> Result<(), StudyRefusal> {
    let allowed = matches!(
        (from, to),
        (StudyStatus::Draft, StudyStatus::Open) | (StudyStatus::Open, StudyStatus::Closed)
    ) || from == to;
    if allowed {
        Ok(())
    } else {
        Err(StudyRefusal::InvalidStatus)
    }
}

/// Policy: the eligibility and the description of a study change while it is a draft; once
/// open, members consented to what they read.
pub fn can_edit_details(status: StudyStatus) -> Result<(), StudyRefusal> {
    match status {
        StudyStatus::Draft => Ok(()),
        StudyStatus::Open | StudyStatus::Closed => Err(StudyRefusal::NotDraft),
    }
}

/// Policy: questionnaires and consent texts are added or changed until the study closes.
pub fn can_change_protocol(status: StudyStatus) -> Result<(), StudyRefusal> {
    match status {
        StudyStatus::Draft | StudyStatus::Open => Ok(()),
        StudyStatus::Closed => Err(StudyRefusal::Closed),
    }
}

/// Policy: members consent to and answer a study while it is open. (Withdrawing is always
/// possible: see `consent::can_withdraw`.)
pub fn can_take_part(status: StudyStatus) -> Result<(), StudyRefusal> {
    match status {
        StudyStatus::Open => Ok(()),
        StudyStatus::Draft | StudyStatus::Closed => Err(StudyRefusal::NotOpen),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32, m: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, m, d, 8, 0, 0).unwrap()
    }

    #[test]
    fn a_questionnaire_is_due_in_its_window_until_answered() {
        let monthly = Schedule {
            opens_at: day(31, 1),
            recurrence: Recurrence::EveryMonths(1),
            window_days: 7,
        };
        // 31 January + 1 month is 28 February (chrono clamps to the month's end).
        let window = monthly.due(None, day(2, 3)).unwrap();
        assert_eq!(window.opens_at, day(28, 2));
        assert_eq!(window.closes_at, day(7, 3));
        assert!(monthly.due(Some(day(1, 3)), day(2, 3)).is_none());
        // Answered last window only: due again.
        assert!(monthly.due(Some(day(1, 2)), day(2, 3)).is_some());
        // Between windows, and before the study opens: nothing due.
        assert!(monthly.due(None, day(20, 3)).is_none());
        assert!(monthly.due(None, day(1, 1)).is_none());

        let fortnightly = Schedule {
            opens_at: day(1, 3),
            recurrence: Recurrence::EveryDays(14),
            window_days: 3,
        };
        assert_eq!(
            fortnightly.due(None, day(16, 3)).unwrap().opens_at,
            day(15, 3)
        );
        assert!(fortnightly.due(None, day(18, 3)).is_none());

        let once = Schedule {
            opens_at: day(1, 3),
            recurrence: Recurrence::Once,
            window_days: 30,
        };
        assert!(once.due(None, day(30, 3)).is_some());
        assert!(once.due(None, day(1, 5)).is_none());
        // Far future: no overflow, nothing due.
        let far = chrono::TimeZone::with_ymd_and_hms(&Utc, 2199, 12, 31, 0, 0, 0).unwrap();
        assert!(once.due(None, far).is_none());
        // The last window before it opened on 30 November 2199 and closed on 7 December.
        assert!(monthly.due(None, far).is_none());
        let late_november = chrono::TimeZone::with_ymd_and_hms(&Utc, 2199, 12, 1, 0, 0, 0).unwrap();
        assert_eq!(
            monthly.due(None, late_november).map(|w| w.opens_at),
            Some(chrono::TimeZone::with_ymd_and_hms(&Utc, 2199, 11, 30, 8, 0, 0).unwrap())
        );
    }

    #[test]
    fn studies_have_eligibility_and_a_life_cycle() {
        use MemberKind::*;
        let condition = ConditionId::new();
        let eligibility =
            Eligibility::parse(vec![Patient, Caregiver], vec![condition], Some(18), None).unwrap();
        assert!(eligibility.admits(Patient, &[condition]));
        assert!(!eligibility.admits(Professional, &[condition]));
        assert!(!eligibility.admits(Patient, &[ConditionId::new()]));
        let any = Eligibility::parse(vec![Patient], vec![], None, None).unwrap();
        assert!(any.admits(Patient, &[]));
        for (kinds, min, max) in [
            (vec![], None, None),
            (vec![Patient, Patient], None, None),
            (vec![Patient], Some(40), Some(30)),
            (vec![Patient], None, Some(121)),
        ] {
            assert!(Eligibility::parse(kinds, vec![], min, max).is_err());
        }
        let researcher = MemberId::new();
        let now = Utc::now();
        let mut study = Study {
            id: StudyId::new(),
            title: Title::parse("Fatigue et sommeil").unwrap(),
            lay_summary: Description::parse("Un questionnaire par mois.").unwrap(),
            sponsor: Label::parse("AP-HP").unwrap(),
            ethics_reference: Label::parse("CPP 2026-A01234-56").unwrap(),
            eligibility: any,
            status: StudyStatus::Draft,
            created_by: Some(researcher),
            created_at: now,
            updated_at: now,
        };
        let member = PlatformRole::Member;
        assert!(!can_read_study(&study, None, member));
        assert!(!can_read_study(&study, Some(MemberId::new()), member));
        assert!(can_read_study(&study, Some(researcher), member));
        assert!(can_read_study(&study, None, PlatformRole::Admin));
        study.status = StudyStatus::Open;
        assert!(can_read_study(&study, None, member));
        assert_eq!(can_manage_study(&study, researcher, member, true), Ok(()));
        // A researcher who lost the right, or another researcher: refused.
        assert!(can_manage_study(&study, researcher, member, false).is_err());
        assert!(can_manage_study(&study, MemberId::new(), member, true).is_err());
        assert!(can_manage_study(&study, MemberId::new(), PlatformRole::Admin, false).is_ok());
        assert!(can_move(StudyStatus::Draft, StudyStatus::Open).is_ok());
        assert!(can_move(StudyStatus::Open, StudyStatus::Closed).is_ok());
        assert_eq!(
            can_move(StudyStatus::Closed, StudyStatus::Open),
            Err(StudyRefusal::InvalidStatus)
        );
        assert!(can_move(StudyStatus::Draft, StudyStatus::Closed).is_err());
        assert_eq!(
            can_edit_details(StudyStatus::Open),
            Err(StudyRefusal::NotDraft)
        );
        assert!(can_change_protocol(StudyStatus::Open).is_ok());
        assert_eq!(
            can_change_protocol(StudyStatus::Closed),
            Err(StudyRefusal::Closed)
        );
        assert!(can_take_part(StudyStatus::Open).is_ok());
        assert_eq!(
            can_take_part(StudyStatus::Draft),
            Err(StudyRefusal::NotOpen)
        );
    }

    #[test]
    fn schedules_are_checked() {
        let opens = day(1, 3);
        assert!(Schedule::parse(opens, Recurrence::EveryMonths(3), 14).is_ok());
        assert!(Schedule::parse(opens, Recurrence::Once, 90).is_ok());
        let field =
            |result: Result<Schedule, ParseError>| result.unwrap_err().errors()[0].field.clone();
        assert_eq!(
            field(Schedule::parse(opens, Recurrence::EveryDays(0), 1)),
            "recurrence"
        );
        assert_eq!(
            field(Schedule::parse(opens, Recurrence::EveryMonths(25), 1)),
            "recurrence"
        );
        assert_eq!(
            field(Schedule::parse(opens, Recurrence::EveryDays(7), 8)),
            "window_days"
        );
        assert_eq!(
            field(Schedule::parse(opens, Recurrence::Once, 0)),
            "window_days"
        );
        let far = DateTime::<Utc>::MAX_UTC;
        assert_eq!(field(Schedule::parse(far, Recurrence::Once, 1)), "opens_at");
    }

    #[test]
    fn small_cells_and_their_complements_are_hidden() {
        // 3 describes fewer than 5 participants; alone, it would come back as total − rest, so
        // the smallest other cell goes too, and the zero (which would pin them down).
        assert_eq!(
            suppress(&[12, 3, 20, 0], K_ANONYMITY),
            vec![None, None, Some(20), None]
        );
        // Two small cells adding up to less than k: more are hidden until they reach k.
        assert_eq!(
            suppress(&[1, 1, 5, 0], K_ANONYMITY),
            vec![None, None, None, None]
        );
        assert_eq!(
            suppress(&[1, 1, 6, 9], K_ANONYMITY),
            vec![None, None, None, Some(9)]
        );
        // Two small cells hide each other.
        assert_eq!(
            suppress(&[12, 3, 2, 9], K_ANONYMITY),
            vec![Some(12), None, None, Some(9)]
        );
        assert_eq!(suppress(&[5, 7], K_ANONYMITY), vec![Some(5), Some(7)]);
        // A table of fewer than k participants shows nothing.
        assert_eq!(suppress(&[1, 2], K_ANONYMITY), vec![None, None]);
        assert_eq!(suppress(&[], K_ANONYMITY), Vec::<Option<u64>>::new());
    }

    #[test]
    fn statistics_need_k_answers() {
        assert!(summarize(&[1.0, 2.0, 3.0, 4.0], K_ANONYMITY).is_none());
        let s = summarize(&[7.0, 1.0, 3.0, 5.0, 9.0, f64::NAN], K_ANONYMITY).unwrap();
        assert_eq!(s.count, 5);
        assert!((s.mean - 5.0).abs() < 1e-9);
        assert!((s.median - 5.0).abs() < 1e-9);
        assert!((s.q1 - 3.0).abs() < 1e-9);
        assert!((s.q3 - 7.0).abs() < 1e-9);
    }

    #[test]
    fn aggregates_hide_small_cells_and_need_k_participants() {
        use crate::questionnaire::{AnswerOption, Item};
        let code = |c: &str| Code::parse(c).unwrap();
        let label = |l: &str| Label::parse(l).unwrap();
        let definition = Definition::parse(vec![
            Item {
                link_id: code("sleep"),
                text: label("Sommeil"),
                kind: ItemKind::Choice {
                    options: ["good", "poor", "bad"]
                        .iter()
                        .map(|c| AnswerOption {
                            code: code(c),
                            display: label(c),
                        })
                        .collect(),
                },
                required: true,
                enable_when: None,
            },
            Item {
                link_id: code("pain"),
                text: label("Douleur"),
                kind: ItemKind::Scale {
                    min: 0,
                    max: 10,
                    min_label: None,
                    max_label: None,
                },
                required: false,
                enable_when: None,
            },
        ])
        .unwrap();
        let set = |sleep: &str, pain: Option<i64>| {
            let mut answers = BTreeMap::from([(code("sleep"), AnswerValue::Code(code(sleep)))]);
            if let Some(pain) = pain {
                answers.insert(code("pain"), AnswerValue::Integer(pain));
            }
            answers
        };
        // 7 "good", 2 "poor", 0 "bad"; pain given by 7 of 9.
        let mut sets: Vec<BTreeMap<Code, AnswerValue>> =
            (0..7).map(|i| set("good", Some(i))).collect();
        sets.push(set("poor", None));
        sets.push(set("poor", None));
        let refs: Vec<&BTreeMap<Code, AnswerValue>> = sets.iter().collect();
        let result = aggregate(&definition, &refs, K_ANONYMITY);
        let ItemAggregate::Counts { cells, unanswered } = &result[0].1 else {
            panic!("counts expected");
        };
        // "poor" (2) is hidden; the zeros too; then "good", until the hidden cells reach k.
        assert_eq!(
            cells,
            &vec![
                ("good".to_owned(), None),
                ("poor".to_owned(), None),
                ("bad".to_owned(), None),
            ]
        );
        assert_eq!(*unanswered, None);
        let ItemAggregate::Statistics {
            answered,
            unanswered,
            summary,
        } = &result[1].1
        else {
            panic!("statistics expected");
        };
        // 2 skipped: hidden with its complement, and no statistics to give them back.
        assert_eq!((*answered, *unanswered), (None, None));
        assert_eq!(*summary, None);
        // Twelve participants who all gave a pain score, ten of them sleeping well: the pain
        // statistics show (12 ≥ 2k), the sleep cells of 10 and 2 do not.
        let many: Vec<BTreeMap<Code, AnswerValue>> = (0..12)
            .map(|i| set(if i < 10 { "good" } else { "poor" }, Some(i % 11)))
            .collect();
        let refs_many: Vec<&BTreeMap<Code, AnswerValue>> = many.iter().collect();
        let result = aggregate(&definition, &refs_many, K_ANONYMITY);
        let ItemAggregate::Statistics {
            answered, summary, ..
        } = &result[1].1
        else {
            panic!("statistics expected");
        };
        assert_eq!(*answered, Some(12));
        assert_eq!(summary.map(|s| s.count), Some(12));
        // With nine, the count shows but not the statistics (below 2k).
        let nine = aggregate(&definition, &refs_many[..9], K_ANONYMITY);
        assert!(matches!(
            &nine[1].1,
            ItemAggregate::Statistics {
                answered: Some(9),
                summary: None,
                ..
            }
        ));
        // Four participants: nothing at all.
        let few = aggregate(&definition, &refs[..4], K_ANONYMITY);
        assert!(matches!(
            &few[1].1,
            ItemAggregate::Statistics {
                answered: None,
                unanswered: None,
                summary: None
            }
        ));
        let ItemAggregate::Counts { cells, .. } = &few[0].1 else {
            panic!("counts expected");
        };
        assert!(cells.iter().all(|(_, c)| c.is_none()));
    }

    #[test]
    fn free_text_leaves_only_when_the_consent_text_says_so() {
        let text = ItemKind::Text { max_chars: 100 };
        assert!(!exports_free_text(&text, false));
        assert!(exports_free_text(&text, true));
        assert!(exports_free_text(&ItemKind::Boolean, false));
    }
}
