//! Where to turn in a crisis. Every screen offers these, one click away; a
//! deployment sets its own with `--crisis-resources FILE`. The defaults are
//! Canada's: the 9-8-8 Suicide Crisis Helpline, and emergency services.

use std::path::Path;

/// Where to turn in a crisis: the wire's shape is also the file's.
pub use crate::protocol::connection::CrisisResource;

pub fn defaults() -> Vec<CrisisResource> {
    vec![
        CrisisResource {
            label: "9-8-8 Suicide Crisis Helpline".to_owned(),
            contact: "Call or text 988, any time".to_owned(),
        },
        CrisisResource {
            label: "Emergency services".to_owned(),
            contact: "Call 911".to_owned(),
        },
    ]
}

#[derive(Debug, thiserror::Error)]
pub enum CrisisError {
    #[error("could not read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not a JSON list of {{label, contact}}: {source}")]
    Parse { path: String, source: serde_json::Error },
    #[error("{path}: give 1 to 10 resources, each with a label and a contact of 1 to 200 characters")]
    Invalid { path: String },
}

/// The deployment's resources from a JSON file, or the defaults.
pub fn load(file: Option<&Path>) -> Result<Vec<CrisisResource>, CrisisError> {
    let Some(path) = file else {
        return Ok(defaults());
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| CrisisError::Read {
        path: shown.clone(),
        source,
    })?;
    let resources: Vec<CrisisResource> = serde_json::from_str(&text).map_err(|source| CrisisError::Parse {
        path: shown.clone(),
        source,
    })?;
    let fits = |s: &str| !s.trim().is_empty() && s.chars().count() <= 200;
    if resources.is_empty() || resources.len() > 10 || !resources.iter().all(|r| fits(&r.label) && fits(&r.contact)) {
        return Err(CrisisError::Invalid { path: shown });
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_canadas_and_a_file_replaces_them() {
        assert!(load(None).unwrap()[0].contact.contains("988"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crisis.json");
        std::fs::write(
            &path,
            r#"[{"label": "Physician health program", "contact": "1-800-555-0100"}]"#,
        )
        .unwrap();
        assert_eq!(load(Some(&path)).unwrap()[0].label, "Physician health program");
        std::fs::write(&path, "[]").unwrap();
        assert!(matches!(load(Some(&path)), Err(CrisisError::Invalid { .. })));
    }
}
