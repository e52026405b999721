//! The energizer library: short movement or reset activities written for
//! tired clinicians at a screen. Each has a seated or accessible variant, so
//! no one is left out. A deployment adds its own with `--energizers FILE`.

use std::path::Path;

/// One activity: the wire's shape is also the file's.
pub use crate::protocol::energy::Energizer;

/// (id, title, seconds, steps, seated variant)
type Builtin = (
    &'static str,
    &'static str,
    u32,
    &'static [&'static str],
    &'static [&'static str],
);

const BUILTIN: &[Builtin] = &[
    (
        "box-breathing",
        "Box breathing",
        90,
        &[
            "Breathe in through your nose for four counts.",
            "Hold for four.",
            "Breathe out slowly for four.",
            "Hold for four. Repeat four times.",
        ],
        &["The same, seated, eyes open or closed: there is nothing to stand for."],
    ),
    (
        "shoulder-reset",
        "Shoulder reset",
        60,
        &[
            "Lift both shoulders up to your ears and hold for three seconds.",
            "Let them drop.",
            "Roll them slowly backwards five times, then forwards five times.",
        ],
        &["Do one shoulder at a time, or just notice your shoulders and let them soften."],
    ),
    (
        "stand-and-stretch",
        "Stand and reach",
        60,
        &[
            "Stand up and reach both arms to the ceiling.",
            "Lean gently to the left, then to the right.",
            "Let your arms float down and shake out your hands.",
        ],
        &["Seated: reach up with one arm at a time, or simply lengthen your spine and sit tall."],
    ),
    (
        "five-senses",
        "Five senses check-in",
        120,
        &[
            "Name, silently, five things you can see.",
            "Four things you can feel.",
            "Three things you can hear.",
            "Two things you can smell.",
            "One thing you can taste.",
        ],
        &["Use whichever senses work for you; fewer is fine."],
    ),
    (
        "eye-rest",
        "20-20-20 eye rest",
        60,
        &[
            "Look away from the screen at something at least 20 feet (6 m) away.",
            "Keep your gaze there for 20 seconds.",
            "Blink slowly ten times. Then close your eyes and rest them.",
        ],
        &["Close your eyes and cup your palms over them, without pressing, for the whole minute."],
    ),
    (
        "hand-warmup",
        "Hands after charting",
        60,
        &[
            "Open and close your fists ten times.",
            "Press your palms together in front of your chest for ten seconds.",
            "Circle your wrists five times each way.",
        ],
        &["Rest your hands on your lap and spread and relax your fingers, at your own pace."],
    ),
    (
        "walk-and-return",
        "Two-minute walk",
        120,
        &[
            "Leave your camera on or off, as you like, and walk away from your desk.",
            "Get a glass of water or look out of a window.",
            "Come back and press \"I'm back\".",
        ],
        &["Stay where you are: look out of a window or at something far away, and drink some water."],
    ),
    (
        "grounding-feet",
        "Feet on the floor",
        60,
        &[
            "Put both feet flat on the floor.",
            "Press down gently and notice the floor holding you.",
            "Take three slow breaths, feeling your weight settle.",
        ],
        &["Notice wherever your body is supported: the chair, the bed, the floor."],
    ),
    (
        "neck-release",
        "Gentle neck release",
        60,
        &[
            "Let your chin drop towards your chest and breathe.",
            "Tilt your right ear towards your right shoulder, then the left.",
            "Never force it: move only as far as is comfortable.",
        ],
        &["Keep your head still and just let your jaw unclench and your tongue rest."],
    ),
    (
        "gratitude-one",
        "One good thing",
        90,
        &[
            "Think of one small thing that went well this week, however small.",
            "Hold it in mind for a few breaths.",
            "If you like, write it in the chat.",
        ],
        &["Nothing to move: this one is for everyone as it is."],
    ),
    (
        "shake-it-out",
        "Shake it out",
        45,
        &[
            "Stand and shake your right hand ten times, then your left.",
            "Shake your right foot, then your left.",
            "Count down from ten together, shaking everything a little less each time.",
        ],
        &["Seated: shake out your hands and wrists only, or tap your hands on your knees."],
    ),
    (
        "sigh-out",
        "The physiological sigh",
        60,
        &[
            "Breathe in through your nose.",
            "Take a second short breath in on top of it.",
            "Let it all out in a long, slow breath through your mouth. Repeat three times.",
        ],
        &["The same, at whatever depth is comfortable; skip the second breath if it does not suit you."],
    ),
    (
        "posture-check",
        "Posture check",
        45,
        &[
            "Sit back in your chair, feet on the floor.",
            "Lengthen your spine as if a string pulls the top of your head up.",
            "Let your shoulders drop and your face soften.",
        ],
        &["Find the position that is most comfortable for your body right now."],
    ),
    (
        "cold-water",
        "Cool water reset",
        90,
        &[
            "Go and splash cool water on your face, or hold a cold glass.",
            "Notice the temperature for a few breaths.",
            "Come back and press \"I'm back\".",
        ],
        &["Hold a cool drink or rest your wrists on something cool, without leaving your seat."],
    ),
];

/// The built-in activities.
pub fn builtin() -> Vec<Energizer> {
    BUILTIN
        .iter()
        .map(|(id, title, seconds, steps, seated)| Energizer {
            id: (*id).to_owned(),
            title: (*title).to_owned(),
            seconds: *seconds,
            steps: steps.iter().map(|s| (*s).to_owned()).collect(),
            seated: seated.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("could not read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path} is not a JSON list of energizers: {source}")]
    Parse { path: String, source: serde_json::Error },
    #[error("{path}: energizer {id:?}: {problem}")]
    Invalid {
        path: String,
        id: String,
        problem: &'static str,
    },
}

/// The built-in activities plus a deployment's own, from a JSON file holding
/// a list of `{id, title, seconds, steps, seated}`. An id already taken
/// replaces the built-in one.
pub fn library(custom: Option<&Path>) -> Result<Vec<Energizer>, LibraryError> {
    let mut all = builtin();
    let Some(path) = custom else {
        return Ok(all);
    };
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LibraryError::Read {
        path: shown.clone(),
        source,
    })?;
    let extra: Vec<Energizer> = serde_json::from_str(&text).map_err(|source| LibraryError::Parse {
        path: shown.clone(),
        source,
    })?;
    for energizer in extra {
        if let Err(problem) = validate(&energizer) {
            return Err(LibraryError::Invalid {
                path: shown,
                id: energizer.id,
                problem,
            });
        }
        all.retain(|e| e.id != energizer.id);
        all.push(energizer);
    }
    Ok(all)
}

fn validate(energizer: &Energizer) -> Result<(), &'static str> {
    let id_ok = (1..=40).contains(&energizer.id.len())
        && energizer
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err("id must be 1 to 40 lower-case letters, digits or '-'");
    }
    if energizer.title.trim().is_empty() || energizer.title.chars().count() > 80 {
        return Err("title must have 1 to 80 characters");
    }
    if !(10..=900).contains(&energizer.seconds) {
        return Err("seconds must be between 10 and 900");
    }
    if energizer.steps.is_empty() || energizer.seated.is_empty() {
        return Err("steps and seated must each have at least one line");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_has_at_least_twelve_valid_activities_with_unique_ids() {
        let all = builtin();
        assert!(all.len() >= 12, "{}", all.len());
        for energizer in &all {
            validate(energizer).unwrap_or_else(|e| panic!("{}: {e}", energizer.id));
        }
        let mut ids: Vec<&str> = all.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn a_deployment_adds_and_replaces_activities_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("energizers.json");
        let custom = r#"[
            {"id": "unit-song", "title": "Our unit's song", "seconds": 60, "steps": ["Hum it."], "seated": ["Hum it, seated."]},
            {"id": "eye-rest", "title": "Eyes closed", "seconds": 30, "steps": ["Close them."], "seated": ["Close them."]}
        ]"#;
        std::fs::write(&path, custom).unwrap();
        let all = library(Some(&path)).unwrap();
        assert_eq!(all.len(), builtin().len() + 1);
        assert_eq!(all.iter().find(|e| e.id == "eye-rest").unwrap().title, "Eyes closed");

        std::fs::write(
            &path,
            r#"[{"id": "Bad Id", "title": "x", "seconds": 60, "steps": ["a"], "seated": ["b"]}]"#,
        )
        .unwrap();
        assert!(matches!(library(Some(&path)), Err(LibraryError::Invalid { .. })));
        std::fs::write(&path, r#"[{"id": "x", "colour": "red"}]"#).unwrap();
        assert!(matches!(library(Some(&path)), Err(LibraryError::Parse { .. })));
    }
}
