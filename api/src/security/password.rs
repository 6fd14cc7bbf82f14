//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes).

use std::cell::RefCell;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use entraide_domain::member::Password;
use rand::RngCore;

use crate::error::ApiError;

/// Threads that hash passwords: argon2 takes 19 MiB a hash. Hashed on actix's blocking pool (as
/// many threads as database connections), logins left up to ~19 MiB in each of its threads'
/// arenas. On two threads of their own, a flood of logins waits in their queue instead of
/// taking the threads that serve database reads; and each thread keeps its argon2 memory
/// ([`MEMORY`]) from one hash to the next.
const HASHERS: usize = 2;

thread_local! {
    /// This thread's argon2 memory, kept between hashes. Allocated and freed on every hash
    /// (the crate's `hash_password`), 19 MiB blocks fragmented glibc's heap: once one has been
    /// freed glibc raises its mmap threshold and serves the next ones from its arenas, where
    /// they piled up — measured, a server that had logged in 1,000 members grew from 65 MB to
    /// ~230 MB and stayed there. Kept, it is one block per hashing thread, 38 MiB in all.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Memory kept per thread: the default parameters' (19 MiB). A stored hash with a larger cost
/// (none is written by this server) gets memory of its own for that one hash.
const KEPT_BLOCKS: usize = Params::DEFAULT_M_COST as usize;

/// The most memory a stored hash may ask for (256 MiB): one whose parameters ask for more is
/// refused rather than allocated (it was not written by this server).
const MAX_BLOCKS: usize = 256 * 1024;

/// Runs argon2 with `blocks` blocks of this thread's kept memory (or a one-off allocation when
/// more than [`KEPT_BLOCKS`] are needed).
fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    if blocks > KEPT_BLOCKS {
        return work(&mut vec![Block::new(); blocks]);
    }
    MEMORY.with(|memory| match memory.try_borrow_mut() {
        Ok(mut memory) => {
            if memory.len() < blocks {
                memory.resize(KEPT_BLOCKS, Block::new());
            }
            work(&mut memory[..blocks])
        }
        // Not reentrant; were it ever, the nested call gets memory of its own.
        Err(_) => work(&mut vec![Block::new(); blocks]),
    })
}

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
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password.expose().as_bytes(), &salt, &mut out, memory)
    })
    .map_err(ApiError::internal)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(ApiError::internal)?,
        salt: Some(Salt::new(&salt).map_err(ApiError::internal)?),
        hash: Some(Output::new(&out).map_err(ApiError::internal)?),
    };
    Ok(hash.to_string())
}

/// Does the password match the stored hash? A malformed stored hash never matches. The
/// parameters, salt and algorithm are the stored hash's (as the crate's `verify_password`);
/// the comparison is `Output`'s, in constant time.
pub fn verify(password: &Password, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return false;
    }
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = with_memory(blocks, |memory| {
        argon2.hash_password_into_with_memory(
            password.expose().as_bytes(),
            salt.as_ref(),
            &mut out,
            memory,
        )
    });
    hashed.is_ok() && Output::new(&out).is_ok_and(|computed| computed == *expected)
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

    #[test]
    fn hashes_agree_with_the_crates_own_hashing_and_verification() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let password = Password::parse_login("lanterne verte sous la pluie").unwrap();
        let wrong = Password::parse_login("lanterne rouge").unwrap();
        // Made by the crate (as every hash stored before), checked here.
        let theirs = Argon2::default()
            .hash_password(password.expose().as_bytes())
            .unwrap()
            .to_string();
        assert!(verify(&password, &theirs));
        assert!(!verify(&wrong, &theirs));
        // Made here, checked by the crate: same algorithm, version and parameters.
        let ours = hash(&password).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        let default_params = Params::default();
        assert_eq!(
            Params::try_from(&parsed).unwrap().m_cost(),
            default_params.m_cost()
        );
        assert_eq!(
            Params::try_from(&parsed).unwrap().t_cost(),
            default_params.t_cost()
        );
        assert!(
            Argon2::default()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(wrong.expose().as_bytes(), &parsed)
                .is_err()
        );
        // A hash with other parameters (more memory than is kept) verifies too.
        let costly = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(KEPT_BLOCKS as u32 + 1024, 1, 1, None).unwrap(),
        )
        .hash_password(password.expose().as_bytes())
        .unwrap()
        .to_string();
        assert!(verify(&password, &costly));
        assert!(!verify(&wrong, &costly));
        // One asking for 4 GiB is refused, not allocated.
        let m = format!("m={}", Params::DEFAULT_M_COST);
        assert!(ours.contains(&m));
        let greedy = ours.replace(&m, "m=4194304");
        assert!(PasswordHash::new(&greedy).is_ok());
        assert!(!verify(&password, &greedy));
    }

    #[test]
    fn the_memory_is_kept_on_the_thread_between_hashes() {
        let password = Password::parse_login("lanterne verte sous la pluie").unwrap();
        let stored = hash(&password).unwrap();
        let kept = MEMORY.with(|memory| memory.borrow().as_ptr() as usize);
        assert_eq!(MEMORY.with(|memory| memory.borrow().len()), KEPT_BLOCKS);
        assert!(verify(&password, &stored));
        // The same allocation served the second hash: nothing was freed and allocated again.
        assert_eq!(
            MEMORY.with(|memory| memory.borrow().as_ptr() as usize),
            kept
        );
    }
}
