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
fn a_years_measures_load_checked_against_its_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("casework.db");
    let db = db.to_str().expect("utf-8 path");
    let measures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../reference/plans/2012-13-measures.toml"
    );
    let shipped = std::fs::read_to_string(measures).expect("the shipped measures");

    let loaded = casework(&[
        "plan",
        "measures",
        measures,
        "--year",
        "2012-13",
        "--database-url",
        db,
    ]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    let said = String::from_utf8_lossy(&loaded.stdout);
    let count = shipped.matches("[[measures]]").count();
    assert!(
        said.contains(&format!("measures 2012-13: {count} loaded")),
        "{said}"
    );

    // A measure under an aim the plan does not have is refused, naming the aim.
    let bad = dir.path().join("bad-measures.toml");
    std::fs::write(
        &bad,
        shipped.replacen(
            "aim = \"asb-repeat-victimisation\"",
            "aim = \"no-such-aim\"",
            1,
        ),
    )
    .expect("write");
    let refused = casework(&[
        "plan",
        "measures",
        bad.to_str().expect("path"),
        "--year",
        "2012-13",
        "--database-url",
        db,
    ]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no-such-aim"), "{err}");

    // A year with no plan stored is refused before the file is read.
    let no_plan = casework(&[
        "plan",
        "measures",
        measures,
        "--year",
        "2030-31",
        "--database-url",
        db,
    ]);
    assert!(!no_plan.status.success());
    assert!(stderr(&no_plan).contains("no plan is loaded for 2030-31"));
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

fn casework_with_stdin(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_casework"))
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("casework runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write password");
    child.wait_with_output().expect("finishes")
}

#[test]
fn users_are_added_and_disabled_from_the_shell() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("casework.db");
    let db = db.to_str().expect("utf-8 path");
    let add = [
        "user",
        "add",
        "--username",
        "k.officer",
        "--agency",
        "impact-ha",
        "--role",
        "officer",
        "--role",
        "lmaps",
        "--password-stdin",
        "--database-url",
        db,
    ];
    let weak = casework_with_stdin(&add, "password1234\n");
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("password"), "{}", stderr(&weak));
    let added = casework_with_stdin(&add, "moss bay lantern harbour\n");
    assert!(added.status.success(), "{}", stderr(&added));
    let again = casework_with_stdin(&add, "moss bay lantern harbour\n");
    assert!(
        stderr(&again).contains("username: That username is taken."),
        "{}",
        stderr(&again)
    );
    let bad_role = casework_with_stdin(
        &[
            "user",
            "add",
            "--username",
            "x.y",
            "--agency",
            "impact-ha",
            "--role",
            "boss",
            "--password-stdin",
            "--database-url",
            db,
        ],
        "moss bay lantern harbour\n",
    );
    assert!(
        stderr(&bad_role).contains("unknown role 'boss'"),
        "{}",
        stderr(&bad_role)
    );
    let disabled = casework(&["user", "disable", "k.officer", "--database-url", db]);
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    let missing = casework(&["user", "disable", "nobody", "--database-url", db]);
    assert!(stderr(&missing).contains("there is no user 'nobody'"));
    // Both changes are in the audit log, which verifies.
    let verify = casework(&["audit", "verify", "--database-url", db]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn audit_checkpoints_sign_the_head_and_verify_later() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_string();
    let db = path("casework.db");
    let (private, public, checkpoint) = (path("key.pem"), path("key.pub.pem"), path("head.json"));
    assert!(
        casework(&["migrate", "up", "--database-url", &db])
            .status
            .success()
    );
    let keygen = casework(&[
        "audit",
        "keygen",
        "--private",
        &private,
        "--public",
        &public,
    ]);
    assert!(keygen.status.success(), "{}", stderr(&keygen));
    let again = casework(&[
        "audit",
        "keygen",
        "--private",
        &private,
        "--public",
        &public,
    ]);
    assert!(!again.status.success(), "existing keys are never replaced");
    let signed = casework(&[
        "audit",
        "checkpoint",
        "--key",
        &private,
        "--out",
        &checkpoint,
        "--database-url",
        &db,
    ]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    let verified = casework(&[
        "audit",
        "verify",
        "--checkpoint",
        &checkpoint,
        "--public-key",
        &public,
        "--database-url",
        &db,
    ]);
    assert!(verified.status.success(), "{}", stderr(&verified));
}
