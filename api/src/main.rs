//! The `entraide` binary: `serve` (default), `migrate`, `openapi`, `create-admin`,
//! `conditions import`.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use entraide_api::admin::{AdminOutcome, create_admin};
use entraide_api::configuration::Settings;
use entraide_api::seed::SeedOptions;
use entraide_api::startup::{Application, connect_and_migrate};
use entraide_api::{routes, telemetry};
use entraide_domain::member::MemberKind;

#[derive(Parser)]
#[command(
    name = "entraide",
    version,
    about = "Entraide: a backend for online patient communities"
)]
struct Cli {
    /// A TOML settings file (default: ./entraide.toml when it exists). `ENTRAIDE_*` variables
    /// override it.
    #[arg(long, global = true, env = "ENTRAIDE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Fill an empty database with a realistic, deterministic dataset (demos, benchmarks).
    Seed {
        #[arg(long, default_value_t = 1_000)]
        members: usize,
        #[arg(long, default_value_t = 50)]
        groups: usize,
        #[arg(long, default_value_t = 10_000)]
        posts: usize,
        #[arg(long, default_value_t = 30_000)]
        comments: usize,
        #[arg(long, default_value_t = 20_000)]
        reactions: usize,
        /// Follows per member, on average.
        #[arg(long, default_value_t = 10)]
        follows_per_member: usize,
        /// Groups joined per member, on average.
        #[arg(long, default_value_t = 4)]
        groups_per_member: usize,
        /// Verified associations, with members, followers and an announcement each.
        #[arg(long, default_value_t = 10)]
        associations: usize,
        /// Calendar events (a tenth recurring), with RSVPs.
        #[arg(long, default_value_t = 500)]
        events: usize,
        /// Published fact sheets of a seeded committee.
        #[arg(long, default_value_t = 50)]
        resources: usize,
        /// Places of the local resources directory.
        #[arg(long, default_value_t = 200)]
        places: usize,
        /// Photos attached to posts (files written to the media store, `ENTRAIDE_MEDIA_DIR`).
        #[arg(long, default_value_t = 1000)]
        photos: usize,
        /// Members with an avatar photo.
        #[arg(long, default_value_t = 200)]
        avatars: usize,
        /// The random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Refresh the planner statistics at the end.
        #[arg(long)]
        analyze: bool,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
    },
    /// Rebuild the full-text search index from the content (after a bulk load or a restore).
    Reindex,
    /// Print a new random key for `ENTRAIDE_MESSAGE_KEYS` (`id:base64key`): put it first to
    /// rotate, keeping the old keys after it until `reencrypt-messages` has run.
    GenerateMessageKey {
        /// The key's id (letters, digits, `-`, `_`; e.g. the date).
        #[arg(long)]
        id: String,
    },
    /// Re-encrypt every direct message under the first key of `ENTRAIDE_MESSAGE_KEYS` (after a
    /// rotation; idempotent, resumable). Once done, the older keys may be removed.
    ReencryptMessages,
    /// Make a member a platform admin, creating the account if the e-mail is unknown.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Required when the account does not exist yet.
        #[arg(long)]
        pseudonym: Option<String>,
        /// `patient`, `caregiver` or `professional`.
        #[arg(long, default_value = "professional", value_parser = member_kind)]
        kind: MemberKind,
        /// Read the new account's password from the first line of standard input (otherwise
        /// from `ENTRAIDE_ADMIN_PASSWORD`).
        #[arg(long)]
        password_stdin: bool,
    },
    /// The condition catalogue.
    Conditions {
        #[command(subcommand)]
        action: ConditionsCommand,
    },
}

#[derive(Subcommand)]
enum ConditionsCommand {
    /// Add or update conditions from a CSV file with a header row (columns among name, name_fr,
    /// name_en, orpha_code, icd10_code, icd11_code, snomed_code, mesh_code). Matched by ORPHA
    /// code, else by name. All or nothing: a bad row is reported with its line, nothing written.
    Import {
        #[arg(long)]
        file: PathBuf,
    },
}

/// A member kind as the API spells it, read by the domain's own parser.
fn member_kind(raw: &str) -> Result<MemberKind, String> {
    MemberKind::parse(raw).map_err(|error| error.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("entraide: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::GenerateMessageKey { id } = &command {
        let entry =
            entraide_api::message_keys_cli::generate_message_key(id).map_err(|e| e.to_string())?;
        println!("{entry}");
        return Ok(());
    }
    if let Command::Openapi = command {
        let json = routes::openapi_json().map_err(|e| e.to_string())?;
        print!("{json}");
        return Ok(());
    }
    let settings = Settings::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    telemetry::init(settings.log_format());
    match command {
        Command::Openapi | Command::GenerateMessageKey { .. } => Ok(()),
        Command::ReencryptMessages => {
            let report = entraide_api::message_keys_cli::reencrypt_messages(&settings)
                .map_err(|e| e.to_string())?;
            println!(
                "{} messages re-encrypted; every message is sealed under key {:?}",
                report.resealed, report.key_id
            );
            Ok(())
        }
        Command::Serve => serve(settings),
        Command::Conditions {
            action: ConditionsCommand::Import { file },
        } => {
            let summary = entraide_api::condition_import::import_file(&settings, &file)
                .map_err(|e| e.to_string())?;
            println!(
                "conditions imported: {} created, {} updated",
                summary.created, summary.updated
            );
            Ok(())
        }
        Command::Migrate => {
            let database = connect_and_migrate(&settings).map_err(|e| e.to_string())?;
            println!("database ({}) is up to date", database.backend().as_str());
            Ok(())
        }
        Command::Reindex => {
            let database = connect_and_migrate(&settings).map_err(|e| e.to_string())?;
            let mut conn = database.writer().map_err(|e| e.to_string())?;
            let indexed = entraide_persistence::connection::in_transaction(
                &mut conn,
                entraide_persistence::search::reindex_all,
            )
            .map_err(|e| e.to_string())?;
            println!("indexed {indexed} documents");
            Ok(())
        }
        Command::Seed {
            members,
            groups,
            posts,
            comments,
            reactions,
            follows_per_member,
            groups_per_member,
            associations,
            events,
            resources,
            places,
            photos,
            avatars,
            seed,
            analyze,
            quiet,
        } => {
            let database = connect_and_migrate(&settings).map_err(|e| e.to_string())?;
            let options = SeedOptions {
                members,
                groups,
                posts,
                comments,
                reactions,
                follows_per_member,
                groups_per_member,
                associations,
                events,
                resources,
                places,
                photos,
                avatars,
                seed,
                analyze,
                progress: !quiet,
            };
            let media = entraide_api::media::store::from_settings(&settings)
                .map_err(|e| format!("cannot open the media store: {e}"))?;
            let report = entraide_api::seed::seed(&database, &options, media.as_ref())
                .map_err(|e| e.to_string())?;
            for (table, rows, seconds) in &report.rows {
                println!("{table:>12}: {rows:>9} rows in {seconds:>6.1} s");
            }
            println!(
                "seeded {} in {:.1} s",
                database.backend().as_str(),
                report.seconds
            );
            println!("log in as (each in ~20 groups, following ~50 members):");
            for (email, password) in &report.credentials {
                println!("  {email} / {password}");
            }
            Ok(())
        }
        Command::CreateAdmin {
            email,
            pseudonym,
            kind,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| e.to_string())?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                std::env::var("ENTRAIDE_ADMIN_PASSWORD").ok()
            };
            let outcome = create_admin(
                &settings,
                &email,
                pseudonym.as_deref(),
                kind,
                password.as_deref(),
            )
            .map_err(|e| e.to_string())?;
            match outcome {
                AdminOutcome::Promoted(id) => println!("member {id} is now an admin"),
                AdminOutcome::Created(id) => println!("admin {id} created"),
            }
            Ok(())
        }
    }
}

#[actix_web::main]
async fn serve(settings: Settings) -> Result<(), String> {
    let bind = settings.bind.clone();
    let application = Application::build(settings).map_err(|e| e.to_string())?;
    tracing::info!(%bind, port = application.port(), "Entraide API listening; docs at /api/docs/");
    application
        .run_until_stopped()
        .await
        .map_err(|e| e.to_string())
}
