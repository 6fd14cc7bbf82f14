//! `entraide create-admin`: make a platform admin from the command line.

use chrono::Utc;
use entraide_domain::ids::MemberId;
use entraide_domain::member::{Email, MemberKind, Password, PlatformRole, Pseudonym};
use entraide_persistence::connection::in_transaction;
use entraide_persistence::members::{self, NewMember};

use crate::configuration::Settings;
use crate::security::password;
use crate::startup::{StartupError, connect_and_migrate};

#[derive(Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    /// An existing member (found by e-mail) was made admin.
    Promoted(MemberId),
    /// A new admin account was created.
    Created(MemberId),
}

/// Promotes the member with `email` to admin, or creates an admin account when there is none
/// (then `pseudonym`, `kind` and `password` are required and checked as at registration).
pub fn create_admin(
    settings: &Settings,
    email: &str,
    pseudonym: Option<&str>,
    kind: MemberKind,
    new_password: Option<&str>,
) -> Result<AdminOutcome, StartupError> {
    let invalid = |e: entraide_domain::ParseError| StartupError::Other(e.to_string());
    let email = Email::parse(email).map_err(invalid)?;
    let database = connect_and_migrate(settings)?;
    let mut conn = database.writer()?;
    let exists = members::find_credentials_by_email(&mut conn, &email)?.is_some();
    if exists {
        let id = members::set_role_by_email(&mut conn, &email, PlatformRole::Admin, Utc::now())?;
        return Ok(AdminOutcome::Promoted(id));
    }
    let (Some(pseudonym), Some(new_password)) = (pseudonym, new_password) else {
        return Err(StartupError::Other(format!(
            "no member has the e-mail {}: give --pseudonym and a password to create one",
            email.as_str()
        )));
    };
    let pseudonym = Pseudonym::parse(pseudonym).map_err(invalid)?;
    let new_password = Password::parse_new(new_password, &[email.local_part(), pseudonym.as_str()])
        .map_err(invalid)?;
    let password_hash = password::hash(&new_password)?;
    let id = MemberId::new();
    in_transaction(&mut conn, |conn| {
        members::insert(
            conn,
            &NewMember {
                id,
                email: &email,
                pseudonym: &pseudonym,
                kind,
                role: PlatformRole::Admin,
                password_hash: &password_hash,
                created_at: Utc::now(),
                // The operator who runs the command vouches for the address.
                email_verified_at: Some(Utc::now()),
            },
        )
    })?;
    Ok(AdminOutcome::Created(id))
}
