//! Short and long texts and web addresses, parsed once with the same rules everywhere.

use std::borrow::Cow;

use crate::error::ParseError;

/// Line breaks as `\n` only: `\r\n` and a bare `\r` become `\n`. Long texts are stored this
/// way, so a carriage return never reaches an output format where it means something else
/// (a bare `\r` ends a line in iCalendar).
pub fn normalise_line_breaks(raw: &str) -> Cow<'_, str> {
    if raw.contains('\r') {
        Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(raw)
    }
}

/// Trims `raw` and checks it holds `min..=max` characters and no control characters (line
/// breaks and tabs are allowed when `multiline`, with line breaks normalised to `\n`).
pub fn bounded(raw: &str, min: usize, max: usize, multiline: bool) -> Result<String, ParseError> {
    let normalised = if multiline {
        normalise_line_breaks(raw)
    } else {
        Cow::Borrowed(raw)
    };
    let value = normalised.trim();
    let count = value.chars().count();
    if count < min {
        return Err(if min == 1 {
            ParseError::single("", "required", "must not be empty")
        } else {
            ParseError::single(
                "",
                "too_short",
                format!("must be at least {min} characters"),
            )
        });
    }
    if count > max {
        return Err(ParseError::single(
            "",
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    let forbidden = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\t'));
    if value.chars().any(forbidden) {
        return Err(ParseError::single(
            "",
            "invalid_text",
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// A title or name: 3 to 120 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        bounded(raw, 3, Self::MAX_CHARS, false).map(Self)
    }

    /// A value read back from storage, where it was parsed when written.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive key unique names are compared by.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A plain-text description: at most 8,000 characters, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description(String);

impl Description {
    pub const MAX_CHARS: usize = 8000;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        bounded(raw, 0, Self::MAX_CHARS, true).map(Self)
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short label (a region, a city, an address line): 1 to 200 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

impl Label {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        bounded(raw, 1, Self::MAX_CHARS, false).map(Self)
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower-cased, for comparisons that ignore case.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// An absolute `https` or `http` address with a host, at most 2,000 bytes. Other schemes
/// (`javascript:`, `data:`...) are refused: these links are shown to members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl(String);

impl WebUrl {
    pub const MAX_LEN: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let value = raw.trim();
        if value.len() > Self::MAX_LEN {
            return Err(ParseError::single(
                "",
                "too_long",
                format!("must be at most {} bytes", Self::MAX_LEN),
            ));
        }
        let url = url::Url::parse(value)
            .map_err(|_| ParseError::single("", "invalid_url", "is not a valid absolute URL"))?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return Err(ParseError::single(
                "",
                "invalid_url",
                "must be an http or https address",
            ));
        }
        Ok(Self(url.to_string()))
    }

    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a member is shown to tell their sessions apart: the client's `User-Agent` as sent,
/// with control characters dropped, blanks collapsed and cut to [`DEVICE_LABEL_MAX_CHARS`].
/// `None` when nothing printable is left. Never an error: a client may send anything there.
pub fn device_label(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(DEVICE_LABEL_MAX_CHARS)
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// The longest device label kept.
pub const DEVICE_LABEL_MAX_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_labels_are_cleaned_and_bounded() {
        assert_eq!(
            device_label("  Firefox/133\0 on\n Android ").as_deref(),
            Some("Firefox/133 on Android")
        );
        assert_eq!(device_label("\u{7}\t "), None);
        let long = "é".repeat(1000);
        assert_eq!(
            device_label(&long).map(|l| l.chars().count()),
            Some(DEVICE_LABEL_MAX_CHARS)
        );
    }

    #[test]
    fn bounded_texts() {
        assert_eq!(Title::parse("  Café  ").unwrap().as_str(), "Café");
        assert_eq!(
            Title::parse("ab").unwrap_err().errors()[0].code,
            "too_short"
        );
        assert_eq!(
            Title::parse(&"é".repeat(121)).unwrap_err().errors()[0].code,
            "too_long"
        );
        assert_eq!(
            Title::parse("a\nb c").unwrap_err().errors()[0].code,
            "invalid_text"
        );
        assert!(Description::parse("ligne 1\nligne 2").is_ok());
        assert!(Description::parse("").is_ok());
        assert_eq!(
            Description::parse("a\rb\r\nc\n\rd\r").unwrap().as_str(),
            "a\nb\nc\n\nd"
        );
        assert_eq!(
            Title::parse("a\rbc").unwrap_err().errors()[0].code,
            "invalid_text"
        );
        assert_eq!(Label::parse("  ").unwrap_err().errors()[0].code, "required");
    }

    #[test]
    fn urls_refuse_dangerous_schemes() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://x.org/",
            "/relative",
            "",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            WebUrl::parse("https://asso.example.org/don")
                .unwrap()
                .as_str(),
            "https://asso.example.org/don"
        );
    }
}
