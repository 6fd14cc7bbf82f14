//! HTTP handlers, one module per resource and one file per use case. Each follows the same
//! order: extract -> authenticate -> parse -> authorize -> one transaction -> map to DTO.

pub mod associations;
pub mod auth;
pub mod conditions;
pub mod consents;
pub mod conversations;
pub mod events;
pub mod groups;
pub mod health;
pub mod media;
pub mod members;
pub mod moderation;
pub mod notifications;
pub mod places;
pub mod posts;
pub mod questionnaires;
pub mod resources;
pub mod search;
pub mod studies;
pub mod verification;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// The layering of the API crate: a handler is extract -> parse -> one call -> convert, and
    /// what handlers share lives in `access`, `views`, `parse`, `convert` or `pagination`. So no
    /// handler file reaches into another handler module (not even its parent's `mod.rs`, which
    /// only declares files), and the shared layers never call a handler.
    #[test]
    fn no_handler_imports_another() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut offences = Vec::new();
        for file in files {
            let relative = file
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let in_handlers = relative.starts_with("handlers/");
            for (number, line) in code.lines().enumerate() {
                let reaches_handlers = line.contains("crate::handlers::")
                    && !(relative == "routes.rs" || relative == "startup.rs");
                let reaches_parent = in_handlers && line.contains("super::");
                if reaches_handlers || reaches_parent {
                    offences.push(format!("{relative}:{}: {}", number + 1, line.trim()));
                }
            }
            if in_handlers && relative.ends_with("mod.rs") && relative != "handlers/mod.rs" {
                let declares_only = code.lines().all(|line| {
                    let line = line.trim();
                    line.is_empty() || line.starts_with("//") || line.starts_with("pub mod ")
                });
                if !declares_only {
                    offences.push(format!(
                        "{relative}: a handler mod.rs only declares its files"
                    ));
                }
            }
        }
        assert!(offences.is_empty(), "{}", offences.join("\n"));
    }
}
