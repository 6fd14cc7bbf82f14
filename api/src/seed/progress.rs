//! Loading rows through `persistence::bulk`, one transaction per call, with a progress bar.

use entraide_persistence::bulk::{self, BulkRow};
use entraide_persistence::connection::in_transaction;
use entraide_persistence::{DbConnection, PersistenceError};
use indicatif::{ProgressBar, ProgressStyle};

pub(super) struct Progress {
    pub(super) bar: ProgressBar,
}

impl Progress {
    pub(super) fn new(enabled: bool, total: usize) -> Self {
        let bar = if enabled {
            ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX))
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} rows {msg} ({per_sec})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self { bar }
    }

    /// Inserts `rows` into their table in one transaction; returns how many.
    pub(super) fn load<T: BulkRow>(
        &self,
        conn: &mut DbConnection,
        table: &'static str,
        rows: &[T],
    ) -> Result<usize, PersistenceError> {
        self.bar.set_message(table);
        in_transaction(conn, |conn| {
            for chunk in rows.chunks(bulk::batch_size::<T>() * 4) {
                bulk::insert_all(conn, chunk)?;
                self.bar.inc(u64::try_from(chunk.len()).unwrap_or_default());
            }
            Ok::<_, PersistenceError>(rows.len())
        })
    }
}
