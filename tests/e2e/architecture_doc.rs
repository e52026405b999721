//! docs/architecture.md stays a true map: its codemap names every source
//! file of the repository, and every file it names exists.
//!
//! The codemap's convention: a top-level bullet starts with a folder's path
//! in backticks (`` `server/src/room/`: ... ``); a file named in backticks
//! anywhere in that bullet (continuation lines included) is a file of that
//! folder, unless its name has a slash, when it is a path from the root.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository's root, from the server package.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What counts as a source file: code, pages, styles, migrations, scripts.
const SOURCE: &[&str] = &["rs", "js", "mjs", "ts", "html", "css", "sql", "sh", "svg"];
/// Where source files live.
const FOLDERS: &[&str] = &["server", "bench", "testkit", "web-client", "tests"];
/// What is not ours to map.
const SKIP: &[&str] = &["node_modules", "target", "artifacts"];

fn source_files() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<PathBuf> = FOLDERS.iter().map(|f| root().join(f)).collect();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !SKIP.contains(&name.as_str()) {
                    stack.push(path);
                }
            } else if path
                .extension()
                .is_some_and(|e| SOURCE.contains(&e.to_string_lossy().as_ref()))
            {
                let relative = path.strip_prefix(root()).expect("under the root");
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

/// Every file the codemap names, as a path from the root.
fn named_in(doc: &str) -> BTreeSet<String> {
    let codemap = doc
        .split("## Codemap")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/architecture.md has a Codemap section");
    let mut named = BTreeSet::new();
    let mut folder: Option<String> = None;
    for line in codemap.lines() {
        if let Some(bullet) = line.strip_prefix("- `") {
            folder = bullet
                .split('`')
                .next()
                .filter(|path| path.ends_with('/'))
                .map(str::to_owned);
        } else if !line.starts_with("  ") {
            // A heading or a paragraph between bullets ends the bullet.
            folder = None;
        }
        let Some(folder) = &folder else {
            continue;
        };
        for (i, token) in line.split('`').enumerate() {
            let is_file = i % 2 == 1
                && !token.ends_with('/')
                && token.rsplit_once('.').is_some_and(|(_, ext)| SOURCE.contains(&ext));
            if is_file {
                let path = if token.contains('/') {
                    token.to_owned()
                } else {
                    format!("{folder}{token}")
                };
                named.insert(path);
            }
        }
    }
    named
}

#[test]
fn the_codemap_names_every_source_file_and_only_files_that_exist() {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md");
    let named = named_in(&doc);
    let files = source_files();
    assert!(files.len() > 150, "found only {} source files", files.len());
    let unnamed: Vec<&String> = files.difference(&named).collect();
    assert!(
        unnamed.is_empty(),
        "docs/architecture.md does not name these files in its codemap: {unnamed:#?}"
    );
    let gone: Vec<&String> = named.difference(&files).collect();
    assert!(
        gone.is_empty(),
        "docs/architecture.md names files that do not exist: {gone:#?}"
    );
}
