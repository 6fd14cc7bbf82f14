//! Wakes the notification streams of members who got a notification. In-process: a broadcast
//! of member ids that every open stream of this process listens to (each keeps its own
//! member's); a stream woken re-reads the database, so a lost or spurious wake-up costs one
//! query, never a wrong answer. Wake-ups are sent after the write's commit.

use entraide_domain::ids::MemberId;
use tokio::sync::broadcast;

/// How many wake-ups may wait for a slow stream before it misses some (it then re-reads
/// anyway: a lagging receiver is woken too).
const CAPACITY: usize = 1024;

pub struct Hub {
    sender: broadcast::Sender<MemberId>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
        }
    }
}

impl Hub {
    /// Wakes the streams of these members (no stream open: nothing happens).
    pub fn wake(&self, members: &[MemberId]) {
        for member in members {
            // An error only means no stream is open.
            let _ = self.sender.send(*member);
        }
    }

    /// A receiver of every wake-up from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<MemberId> {
        self.sender.subscribe()
    }
}
