//! Macros shared by the domain modules.

/// A closed set of values with a wire name each: `ALL`, `as_str` and `parse` (which reports
/// `$code` on `$field` when the value is unknown).
macro_rules! wire_enum {
    ($type:ty, $field:literal, $code:literal, $($variant:ident => $name:literal),+ $(,)?) => {
        impl $type {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, ParseError> {
                match raw {
                    $($name => Ok(Self::$variant),)+
                    _ => Err(ParseError::single(
                        $field,
                        $code,
                        format!("must be one of {}", [$($name),+].join(", ")),
                    )),
                }
            }
        }
    };
}
