//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes).

use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use entraide_domain::member::Password;

use crate::error::ApiError;

/// Threads that hash passwords: argon2 takes 19 MiB a hash, and the allocator keeps a freed
/// block for reuse in the arena of the thread that used it. Hashed on actix's blocking pool (as
/// many threads as database connections), logins left up to ~19 MiB in each of its threads'
/// arenas: measured, a server that had logged in 1,000 members held 310 MB. On two threads of
/// their own, hashing holds at most two blocks, and a flood of logins waits in their queue
/// instead of taking the threads that serve database reads.
const HASHERS: usize = 2;

type Job = Box<dyn FnOnce() + Send + 'static>;

fn hashers() -> Result<&'static Mutex<Sender<Job>>, ApiError> {
    static POOL: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (jobs, queue) = channel::<Job>();
        let queue = std::sync::Arc::new(Mutex::new(queue));
        for n in 0..HASHERS {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("entraide-hasher-{n}"))
                .spawn(move || {
                    loop {
                        // One job at a time: the lock is released before the job runs.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password hashing thread");
                return None;
            }
        }
        Some(Mutex::new(jobs))
    })
    .as_ref()
    .ok_or_else(|| ApiError::internal("no password hashing thread"))
}

/// Runs password work (`hash`, `verify`, `verify_dummy`) on the hashing threads. A panic in it
/// is contained there and answered as a 500.
pub async fn off_thread<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = answer.send(result);
    });
    hashers()?
        .lock()
        .map_err(|_| ApiError::internal("password hashing queue poisoned"))?
        .send(job)
        .map_err(|_| ApiError::internal("password hashing threads are gone"))?;
    match answered.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(ApiError::internal("password hashing panicked")),
        Err(_) => Err(ApiError::internal("password hashing threads are gone")),
    }
}

/// A PHC string (`$argon2id$v=19$...`) with its own random salt. CPU-heavy: call off the
/// async workers.
pub fn hash(password: &Password) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(ApiError::internal)
}

/// Does the password match the stored hash? A malformed stored hash never matches.
pub fn verify(password: &Password, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
}

/// Spends the time of a real verification, so an unknown e-mail answers as slowly as a wrong
/// password and timing does not tell which accounts exist.
pub fn verify_dummy(password: &Password) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        Password::parse_login("entraide-dummy-password")
            .ok()
            .and_then(|p| hash(&p).ok())
    });
    if let Some(stored) = dummy {
        let _ = verify(password, stored);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn password_work_runs_on_the_hashing_threads() {
        let name = off_thread(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("entraide-hasher-"));
        let panicked = off_thread(|| -> u8 { panic!("boom") }).await;
        assert!(panicked.is_err());
        // The threads survive a panic.
        assert_eq!(off_thread(|| 7).await.unwrap(), 7);
    }

    #[test]
    fn hashes_verify_and_are_salted() {
        let password = Password::parse_login("lanterne verte sous la pluie").unwrap();
        let first = hash(&password).unwrap();
        let second = hash(&password).unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify(&password, &first));
        let wrong = Password::parse_login("lanterne rouge").unwrap();
        assert!(!verify(&wrong, &first));
        assert!(!verify(&password, "not a hash"));
    }
}
