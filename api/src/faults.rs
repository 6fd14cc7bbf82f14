//! Fault injection for the fault tests (`--features fault-injection`, which only the test crate
//! turns on): a write can be made to panic after its work ran and before it commits, the worst
//! place for a panic to land. Without the feature this is an empty type and a no-op.

#[cfg(feature = "fault-injection")]
use std::sync::atomic::{AtomicU32, Ordering};

/// Faults to inject into this application's database writes.
#[derive(Debug, Default)]
pub struct Faults {
    #[cfg(feature = "fault-injection")]
    panicking_writes: AtomicU32,
}

impl Faults {
    /// The next `count` writes panic just before they would commit.
    #[cfg(feature = "fault-injection")]
    pub fn panic_next_writes(&self, count: u32) {
        self.panicking_writes.store(count, Ordering::SeqCst);
    }

    /// Called by `db::write` inside the transaction, after the work, before the commit.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn before_commit(&self) {
        let armed = self
            .panicking_writes
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if armed {
            panic!("injected fault: panic before commit");
        }
    }

    #[cfg(not(feature = "fault-injection"))]
    #[inline]
    pub(crate) fn before_commit(&self) {}
}
