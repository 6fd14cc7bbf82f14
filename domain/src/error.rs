//! Parse errors carry a field name and a stable machine code, so the API can answer with
//! per-field validation details without guessing.

use std::fmt;

/// One invalid field: which one, a stable machine code and an English message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field as the client named it (`email`, `pseudonym`, `location.city`).
    pub field: String,
    /// A stable, machine-readable code (`too_short`, `invalid_email`, `weak_password`...).
    pub code: &'static str,
    /// A human-readable explanation, in English.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// A value (or a whole command) that failed to parse; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    errors: Vec<FieldError>,
}

impl ParseError {
    pub fn single(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// Renames the field of every error (a value parser does not know which field it parses).
    #[must_use]
    /// Puts every error under `prefix` (`opens_at` becomes `schedule.opens_at`).
    pub fn prefixed(mut self, prefix: &str) -> Self {
        for error in &mut self.errors {
            error.field = format!("{prefix}.{}", error.field);
        }
        self
    }

    pub fn in_field(mut self, field: &str) -> Self {
        for error in &mut self.errors {
            error.field = field.to_owned();
        }
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for error in &self.errors {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{}: {}", error.field, error.message)?;
        }
        Ok(())
    }
}

/// Collects the errors of several fields so a client learns about all of them at once.
#[derive(Debug, Default)]
pub struct Errors {
    errors: Vec<FieldError>,
}

impl Errors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when it parsed, records its errors (under `field`) otherwise.
    pub fn check<T>(&mut self, field: &str, result: Result<T, ParseError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.extend(error.in_field(field).into_errors());
                None
            }
        }
    }

    /// Keeps the value when it parsed, records its errors under their own fields otherwise
    /// (for parsers that check several fields together).
    pub fn keep<T>(&mut self, result: Result<T, ParseError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.extend(error.into_errors());
                None
            }
        }
    }

    /// A JSON merge-patch field: absent stays (`None`), `null` clears (`Some(None)`), a value must
    /// parse (`Some(Some(_))`, or recorded under `field` and `None`).
    pub fn check_patch<T>(
        &mut self,
        field: &str,
        value: Option<Option<String>>,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Option<Option<T>> {
        match value {
            None => None,
            Some(None) => Some(None),
            Some(Some(raw)) => self.check(field, parse(&raw)).map(Some),
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// `Err` when any field failed, with every error recorded.
    pub fn finish(self) -> Result<(), ParseError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ParseError {
                errors: self.errors,
            })
        }
    }
}
