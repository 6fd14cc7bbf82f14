//! Reading the mail the application sends: from the outbox table (no SMTP server configured,
//! the default of the test settings), or from a real SMTP server the test starts — the aiosmtpd
//! sink of `tests/smtp/sink.py`, run with the Python of `ENTRAIDE_TEST_SMTP_PYTHON` (set by
//! `.ci/run`, which installs the pinned aiosmtpd in a virtualenv).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use entraide_api::configuration::Settings;
use serde_json::Value;

use crate::support::{TestApp, spawn_app_with};

/// How long a test waits for a mail: delivery runs after the answer, in the background.
const PATIENCE: Duration = Duration::from_secs(15);

/// One mail as received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// Line ends normalised to `\n`.
    pub body: String,
}

impl Mail {
    /// The token of the link to `path` (`/verify-email`, `/reset-password`) in the body.
    pub fn token(&self, path: &str) -> String {
        let marker = format!("{path}?token=");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no {marker} link in {:?}", self.body))
            + marker.len();
        self.body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }

    pub fn has_link(&self) -> bool {
        self.body.contains("?token=")
    }
}

/// A real SMTP server on 127.0.0.1, writing each message it accepts to a folder.
pub struct SmtpSink {
    child: Child,
    folder: tempfile_dir::Dir,
    pub port: u16,
}

/// A temporary folder removed on drop (the test crate has no `tempfile`).
mod tempfile_dir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!(
                "entraide-smtp-sink-{}",
                uuid::Uuid::now_v7().simple()
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl SmtpSink {
    /// Starts the sink with `python` (which must have aiosmtpd); panics if it does not start,
    /// since a configured SMTP run must not silently become an outbox run.
    pub fn start(python: &str) -> Self {
        let folder = tempfile_dir::Dir::new();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("smtp/sink.py");
        let mut child = Command::new(python)
            .arg(&script)
            .arg(folder.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the SMTP sink with {python}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP sink did not start (printed {line:?})"));
        Self {
            child,
            folder,
            port,
        }
    }

    fn received(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .flat_map(|path| {
                let record: Value =
                    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
                assert_eq!(record["content_type"], "text/plain", "{record}");
                let subject = record["subject"].as_str().unwrap().to_owned();
                let body = record["body"].as_str().unwrap().replace("\r\n", "\n");
                record["rcpt_tos"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|to| Mail {
                        to: to.as_str().unwrap().to_owned(),
                        subject: subject.clone(),
                        body: body.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the test reads the application's mail.
pub enum Mailbox {
    Smtp(SmtpSink),
    Outbox,
}

impl Mailbox {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "a real SMTP server (aiosmtpd)",
            Self::Outbox => "the outbox table",
        }
    }

    /// Every mail received so far for `to`, oldest first.
    pub fn mails_to(&self, app: &TestApp, to: &str) -> Vec<Mail> {
        match self {
            Self::Smtp(sink) => sink
                .received()
                .into_iter()
                .filter(|mail| mail.to == to)
                .collect(),
            Self::Outbox => app.outbox(to),
        }
    }

    /// Waits until `to` has received `count` mails; returns them all.
    pub async fn wait_for(&self, app: &TestApp, to: &str, count: usize) -> Vec<Mail> {
        let started = Instant::now();
        loop {
            let mails = self.mails_to(app, to);
            if mails.len() >= count {
                return mails;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{to} received {} mail(s) through {}, {count} expected: {mails:?}",
                mails.len(),
                self.name()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The `n`-th mail (from 1) to `to`, waiting for it.
    pub async fn nth(&self, app: &TestApp, to: &str, n: usize) -> Mail {
        self.wait_for(app, to, n).await.swap_remove(n - 1)
    }
}

/// An app whose mail goes through a real SMTP server when `ENTRAIDE_TEST_SMTP_PYTHON` names a
/// Python with aiosmtpd, else to the outbox; says which on the test's output.
pub async fn spawn_app_with_mailbox(configure: impl FnOnce(&mut Settings)) -> (TestApp, Mailbox) {
    match std::env::var("ENTRAIDE_TEST_SMTP_PYTHON") {
        Ok(python) if !python.is_empty() => {
            let sink = SmtpSink::start(&python);
            let url = format!("smtp://127.0.0.1:{}", sink.port);
            say(&format!(
                "mail test: through a real SMTP server (aiosmtpd sink on port {})",
                sink.port
            ));
            let app = spawn_app_with(|settings| {
                settings.smtp_url = Some(url.into());
                configure(settings);
            })
            .await;
            (app, Mailbox::Smtp(sink))
        }
        _ => {
            say(
                "mail test: ENTRAIDE_TEST_SMTP_PYTHON is not set, so mail goes to the outbox \
                 table (.ci/run sets it to test against a real SMTP server)",
            );
            (spawn_app_with(configure).await, Mailbox::Outbox)
        }
    }
}

/// Writes to stderr past the test harness's capture, so the line shows in a passing run.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

impl TestApp {
    /// The mails kept in the outbox for `to`, oldest first.
    pub fn outbox(&self, to: &str) -> Vec<Mail> {
        let db = self.database();
        let mut conn = db.reader().unwrap();
        entraide_persistence::outbox::for_recipient(&mut conn, to)
            .unwrap()
            .into_iter()
            .map(|kept| Mail {
                to: kept.recipient,
                subject: kept.subject,
                body: kept.body,
            })
            .collect()
    }

    /// The token of the newest outbox mail to `to` holding a link to `path`, waiting for one:
    /// for tests that need a verification or reset link and run on the outbox (the default test
    /// settings).
    pub async fn outbox_token(&self, to: &str, path: &str) -> String {
        let marker = format!("{path}?token=");
        let started = Instant::now();
        loop {
            if let Some(mail) = self
                .outbox(to)
                .into_iter()
                .rev()
                .find(|mail| mail.body.contains(&marker))
            {
                return mail.token(path);
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no {marker} link mailed to {to}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
