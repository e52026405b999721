//! The command line: help, series, and the settings that are read at start.

use std::process::Command;

use crate::support::{ServerProcess, TestClient, TestDatabase, binary, token_of};

fn run(args: &[&str]) -> (bool, String, String) {
    outcome(Command::new(binary()).args(args))
}

/// A command on the test's database, named as an operator may: by the
/// environment (`PEER_ROOM_DATABASE_URL`, `PEER_ROOM_TOKEN_KEY_FILE`).
fn run_on(db: &TestDatabase, args: &[&str]) -> (bool, String, String) {
    outcome(
        Command::new(binary())
            .args(args)
            .env("PEER_ROOM_DATABASE_URL", &db.url)
            .env("PEER_ROOM_TOKEN_KEY_FILE", &db.key_file),
    )
}

fn outcome(command: &mut Command) -> (bool, String, String) {
    let output = command.output().expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn value(printed: &str, label: &str) -> String {
    printed
        .lines()
        .find_map(|l| l.strip_prefix(label).map(|rest| rest.trim().to_owned()))
        .unwrap_or_else(|| panic!("no {label} in {printed}"))
}

#[test]
fn help_documents_every_setting_and_its_environment_variable() {
    let (ok, help, _) = run(&["--help"]);
    assert!(ok);
    for flag in [
        "--listen",
        "--database-url",
        "--token-key-file",
        "--node-url",
        "--lease-seconds",
        "--drain-seconds",
        "--public-url",
        "--allowed-origins",
        "--log-format",
        "--energizers",
        "--crisis-resources",
        "--media-ip",
        "--media-ports",
        "--public-ip",
        "--ice-servers",
        "--turn-urls",
        "--turn-secret-file",
        "--turn-ttl-minutes",
        "--no-ice-tcp",
        "--smtp-host",
        "--smtp-port",
        "--smtp-security",
        "--smtp-user",
        "--smtp-password-file",
        "--smtp-from",
        "--support-retention-days",
        "--support-self-booking",
        "--reconnect-grace",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
        let variable = format!(
            "PEER_ROOM_{}",
            flag.trim_start_matches("--").replace('-', "_").to_uppercase()
        );
        assert!(help.contains(&variable), "{variable} missing from --help");
    }
    let (ok, help, _) = run(&["session", "create", "--help"]);
    assert!(ok);
    for flag in [
        "--title",
        "--starts-at",
        "--minutes",
        "--time-zone",
        "--capacity",
        "--series",
        "--ground-rules",
        "--break-nudge-minutes",
        "--e2ee",
    ] {
        assert!(help.contains(flag), "{flag} missing from session create --help");
    }
}

#[tokio::test]
async fn a_series_gives_its_sessions_their_ground_rules() {
    let db = TestDatabase::fresh();
    let rules_file = db.folder().join("rules.txt");
    std::fs::write(&rules_file, "What is said here stays here.\n\nCameras are optional.\n").unwrap();
    let rules = rules_file.to_str().unwrap();

    let (ok, out, err) = run_on(
        &db,
        &[
            "series",
            "create",
            "--title",
            "Night shift group",
            "--ground-rules",
            rules,
        ],
    );
    assert!(ok, "{err}");
    let series = value(&out, "series:");
    let (ok, _, err) = run_on(
        &db,
        &[
            "session",
            "create",
            "--title",
            "G",
            "--starts-at",
            "2099-01-05T19:00:00Z",
            "--minutes",
            "60",
            "--series",
            "no-such-series",
        ],
    );
    assert!(!ok && err.contains("--series"), "{err}");
    // Starting now: the participant link opens the waiting room at once.
    let now = chrono::Utc::now().to_rfc3339();
    let (ok, out, err) = run_on(
        &db,
        &[
            "session",
            "create",
            "--title",
            "Week 1",
            "--starts-at",
            &now,
            "--minutes",
            "60",
            "--series",
            &series,
            "--break-nudge-minutes",
            "45",
        ],
    );
    assert!(ok, "{err}");
    let link = value(&out, "participant link:");

    let server = ServerProcess::start(&db);
    let mut client = TestClient::greeted(&server.ws_url()).await;
    let joined = client.join(&token_of(&link), "Sam").await;
    assert_eq!(
        joined["session"]["ground_rules"],
        serde_json::json!(["What is said here stays here.", "Cameras are optional."])
    );
}

#[test]
fn a_bad_energizer_file_stops_the_server_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("energizers.json");
    std::fs::write(
        &file,
        r#"[{"id": "Not An Id", "title": "x", "seconds": 60, "steps": ["a"], "seated": ["b"]}]"#,
    )
    .unwrap();
    let db = format!("sqlite://{}", dir.path().join("peer-room.db").display());
    let (ok, _, err) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db,
        "--energizers",
        file.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(err.contains("energizers.json") && err.contains("Not An Id"), "{err}");
}

#[test]
fn a_turn_setting_without_its_other_half_or_with_a_bad_url_stops_the_server_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("peer-room.db").display());
    let secret = dir.path().join("turn-secret");
    std::fs::write(&secret, "a long shared secret\n").unwrap();
    let secret = secret.to_str().unwrap();
    let base = ["--listen", "127.0.0.1:0", "--database-url", &db];
    let cases: [(&[&str], &str); 4] = [
        (&["--turn-urls", "turn:t.example.org:3478"], "needs --turn-secret-file"),
        (&["--turn-secret-file", secret], "needs --turn-urls"),
        (
            &["--turn-urls", "stun:t.example.org", "--turn-secret-file", secret],
            "must start with turn: or turns:",
        ),
        (
            &[
                "--turn-urls",
                "turn:t.example.org",
                "--turn-secret-file",
                "/nonexistent/secret",
            ],
            "cannot read /nonexistent/secret",
        ),
    ];
    for (args, says) in cases {
        let (ok, _, err) = run(&[&base[..], args].concat());
        assert!(!ok, "{args:?} was taken");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains("a long shared secret"),
            "the secret is never printed: {err}"
        );
    }
}

#[test]
fn mail_settings_that_cannot_work_stop_the_server_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("peer-room.db").display());
    let base = ["--listen", "127.0.0.1:0", "--database-url", &db];
    let cases: [(&[&str], &str); 5] = [
        (&["--smtp-host", "smtp.example.org"], "needs --smtp-from"),
        (&["--smtp-from", "rooms@example.org"], "need --smtp-host"),
        (
            &["--smtp-host", "smtp.example.org", "--smtp-from", "not an address"],
            "is not an address",
        ),
        (
            &[
                "--smtp-host",
                "smtp.example.org",
                "--smtp-from",
                "r@example.org",
                "--smtp-user",
                "rooms",
            ],
            "go together",
        ),
        (
            &[
                "--smtp-host",
                "smtp.example.org",
                "--smtp-from",
                "r@example.org",
                "--smtp-user",
                "rooms",
                "--smtp-password-file",
                "/nonexistent/password",
            ],
            "cannot read /nonexistent/password",
        ),
    ];
    for (args, says) in cases {
        let (ok, _, err) = run(&[&base[..], args].concat());
        assert!(!ok, "{args:?} was taken");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[tokio::test]
async fn warning_marks_are_configured_per_session() {
    let db = TestDatabase::fresh();
    let create = |marks: &'static str| {
        let db = &db;
        move || {
            run_on(
                db,
                &[
                    "session",
                    "create",
                    "--title",
                    "G",
                    "--starts-at",
                    "2099-01-05T19:00:00Z",
                    "--minutes",
                    "60",
                    "--warning-marks",
                    marks,
                ],
            )
        }
    };
    let (ok, _, err) = create("0")();
    assert!(!ok && err.contains("--warning-marks"), "{err}");
    let (ok, out, err) = create("10,2")();
    assert!(ok, "{err}");
    let session = value(&out, "session:");
    let store = db.open().await;
    let show = store.run_of_show(&session, 0).await.unwrap();
    assert_eq!(show.marks, vec![10, 2]);
}
