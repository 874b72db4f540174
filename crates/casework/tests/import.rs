//! `casework import police-uk`: the real March 2016 file goes in, again changes
//! nothing, and a file with one bad line is refused line by line with nothing stored.

use std::process::{Command, Output};

const MARCH_2016: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/police-uk/2016-03-cumbria-street.csv"
);

fn casework(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casework"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("casework runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn police_uk_files_import_once_and_bad_files_not_at_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("casework.db");
    let db = db.to_str().expect("utf-8 path");

    let first = casework(&["import", "police-uk", MARCH_2016, "--database-url", db]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let said = text(&first.stdout);
    assert!(
        said.contains(
            "months 2016-03; 3326 rows read, 1003 kept (in the partnership's districts), 0 without location"
        ),
        "{said}"
    );
    let again = casework(&["import", "police-uk", MARCH_2016, "--database-url", db]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        text(&again.stdout),
        said,
        "the same file again: the same counts"
    );

    let original = std::fs::read_to_string(MARCH_2016).expect("fixture");
    let mut lines: Vec<&str> = original.split_inclusive('\n').collect();
    lines[99] = "only,three,columns\r\n";
    lines[199] = ",2016-3,Cumbria Constabulary,Cumbria Constabulary,,,On or near X,E01019126,Allerdale 001A,Burglary,,\r\n";
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, lines.concat()).expect("write");
    let bad = bad.to_str().expect("utf-8 path");
    let refused = casework(&["import", "police-uk", MARCH_2016, bad, "--database-url", db]);
    assert_eq!(refused.status.code(), Some(1));
    let err = text(&refused.stderr);
    assert!(
        err.contains("bad.csv: line 100: expected 12 columns, found 3"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv: line 200: bad month '2016-3'"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        text(&refused.stdout).is_empty(),
        "not even the good file goes in"
    );

    let missing = casework(&["import", "police-uk", "/no/such.csv", "--database-url", db]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(text(&missing.stderr).lines().count(), 1);
}
