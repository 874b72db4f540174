//! The command line as an administrator meets it: clear one-line errors, and plan
//! imports that are safe to repeat.

use std::process::{Command, Output};

fn casework(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casework"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("casework runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn an_unknown_flag_is_one_line_and_exit_2() {
    let output = casework(&["serve", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--no-such-flag"), "{err}");
}

#[test]
fn an_unreachable_database_is_named_without_a_panic() {
    let output = casework(&[
        "migrate",
        "status",
        "--database-url",
        "postgres://nobody:secret@127.0.0.1:1/none",
    ]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot open database"), "{err}");
    assert!(
        !err.contains("secret"),
        "passwords are never printed: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn plan_import_is_idempotent_and_refuses_bad_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("casework.db");
    let db = db.to_str().expect("utf-8 path");
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/plans/2012-13.toml"
    );

    let first = casework(&["plan", "import", plan, "--database-url", db]);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = casework(&["plan", "import", plan, "--database-url", db]);
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(said.contains("nothing changed"), "{said}");

    let shown = casework(&["plan", "show", "--database-url", db]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("Reduce Re-Offending"));
    assert!(shown.contains("review 31 January 2012"), "{shown}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "year = \"2013-14\"\ntitle = \"x\"\n[[priorities]]\nkey = \"Bad Key\"\ntitle = \"t\"\n",
    )
    .expect("write");
    let refused = casework(&[
        "plan",
        "import",
        bad.to_str().expect("path"),
        "--database-url",
        db,
    ]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("Bad Key"), "{err}");
}

#[test]
fn migrate_down_and_up_round_trip() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("casework.db");
    let db = db.to_str().expect("utf-8 path");
    assert!(
        casework(&["migrate", "up", "--database-url", db])
            .status
            .success()
    );
    let down = casework(&["migrate", "down", "--all", "--database-url", db]);
    assert!(down.status.success(), "{}", stderr(&down));
    let status = casework(&["migrate", "status", "--database-url", db]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(status.lines().all(|l| l.starts_with("pending")), "{status}");
    assert!(
        casework(&["migrate", "up", "--database-url", db])
            .status
            .success()
    );
}
