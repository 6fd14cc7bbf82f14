//! `entraide conditions import --file conditions.csv`: load or refresh the condition catalogue
//! from a CSV file (an Orphanet export reshaped to these columns), from the command line — the
//! operator who runs it is the platform admin.
//!
//! The file has a header row naming its columns, in any order, among `name`, `name_fr`,
//! `name_en`, `orpha_code`, `icd10_code`, `icd11_code`, `snomed_code`, `mesh_code`; at least one
//! of the names. Each row is parsed as `POST /conditions` parses a body (empty cells are
//! absent; `name` defaults to `name_fr`, else `name_en`). A row with the ORPHA code of a stored
//! condition updates it (every column of the file overwrites, empty cells clear); without an
//! ORPHA code, the stored condition with the same name (case-insensitive) is updated; otherwise
//! a condition is added. All or nothing: any bad row — a parse error, an unknown column, the
//! same ORPHA code or name twice in the file, a name or code another condition holds — is
//! reported with its line number and nothing is written.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use entraide_domain::condition::{ConditionInput, NewCondition};
use entraide_persistence::conditions::{self, Upserted};
use entraide_persistence::connection::in_transaction;
use entraide_persistence::{DbConnection, PersistenceError};

use crate::configuration::Settings;
use crate::startup::{StartupError, connect_and_migrate};

/// The columns a file may have.
pub const COLUMNS: [&str; 8] = [
    "name",
    "name_fr",
    "name_en",
    "orpha_code",
    "icd10_code",
    "icd11_code",
    "snomed_code",
    "mesh_code",
];

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    /// The header row is unusable.
    #[error("header: {0}")]
    Header(String),
    /// The rows that failed, each with its line number (the header is line 1).
    #[error("{} bad row(s), nothing was written:\n{}", .0.len(), .0.iter().map(|(line, why)| format!("  line {line}: {why}")).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<(u64, String)>),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Database(#[from] PersistenceError),
}

/// Reads the file and imports it into the configured database, in one transaction.
pub fn import_file(settings: &Settings, path: &Path) -> Result<ImportSummary, ImportError> {
    let file = std::fs::File::open(path).map_err(|source| ImportError::File {
        path: path.display().to_string(),
        source,
    })?;
    let rows = parse(file)?;
    let database = connect_and_migrate(settings)?;
    let mut conn = database.writer().map_err(StartupError::from)?;
    write(&mut conn, &rows, Utc::now())
}

/// The rows of a file, parsed, with their line numbers; every bad row is reported.
pub fn parse(input: impl Read) -> Result<Vec<(u64, NewCondition)>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Header(e.to_string()))?
        .clone();
    let mut index = HashMap::new();
    for (position, name) in headers.iter().enumerate() {
        let column = name.trim_start_matches('\u{feff}').to_ascii_lowercase();
        if !COLUMNS.contains(&column.as_str()) {
            return Err(ImportError::Header(format!(
                "unknown column {column:?} (known: {})",
                COLUMNS.join(", ")
            )));
        }
        if index.insert(column.clone(), position).is_some() {
            return Err(ImportError::Header(format!("column {column:?} twice")));
        }
    }
    if !["name", "name_fr", "name_en"]
        .iter()
        .any(|c| index.contains_key(*c))
    {
        return Err(ImportError::Header(
            "a name column is required (name, name_fr or name_en)".to_owned(),
        ));
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut orpha_lines: HashMap<String, u64> = HashMap::new();
    let mut name_lines: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                bad.push((line, error.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |column: &str| index.get(column).and_then(|&i| record.get(i));
        let parsed = NewCondition::parse(ConditionInput {
            name: cell("name"),
            name_fr: cell("name_fr"),
            name_en: cell("name_en"),
            orpha_code: cell("orpha_code"),
            icd10_code: cell("icd10_code"),
            icd11_code: cell("icd11_code"),
            snomed_code: cell("snomed_code"),
            mesh_code: cell("mesh_code"),
        });
        match parsed {
            Ok(new) => {
                if let Some(orpha) = &new.orpha_code
                    && let Some(first) = orpha_lines.insert(orpha.as_str().to_owned(), line)
                {
                    bad.push((
                        line,
                        format!(
                            "orpha_code ORPHA:{} already on line {first}",
                            orpha.as_str()
                        ),
                    ));
                }
                let key = new.name.as_str().to_lowercase();
                if let Some(first) = name_lines.insert(key, line) {
                    bad.push((
                        line,
                        format!("name {:?} already on line {first}", new.name.as_str()),
                    ));
                }
                rows.push((line, new));
            }
            Err(error) => {
                let why = error
                    .errors()
                    .iter()
                    .map(|e| format!("{}: {} ({})", e.field, e.message, e.code))
                    .collect::<Vec<_>>()
                    .join("; ");
                bad.push((line, why));
            }
        }
    }
    if bad.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(bad))
    }
}

/// Writes parsed rows in one transaction: a row another condition clashes with (name or code)
/// rolls everything back, reported with its line.
pub fn write(
    conn: &mut DbConnection,
    rows: &[(u64, NewCondition)],
    now: DateTime<Utc>,
) -> Result<ImportSummary, ImportError> {
    in_transaction(conn, |conn| {
        let mut summary = ImportSummary::default();
        for (line, new) in rows {
            match conditions::upsert(conn, new, now) {
                Ok(Upserted::Created) => summary.created += 1,
                Ok(Upserted::Updated) => summary.updated += 1,
                Err(PersistenceError::UniqueViolation { field }) => {
                    return Err(ImportError::Rows(vec![(
                        *line,
                        format!(
                            "{} is already another condition's",
                            field.unwrap_or("a name or code")
                        ),
                    )]));
                }
                Err(other) => return Err(other.into()),
            }
        }
        Ok(summary)
    })
}
