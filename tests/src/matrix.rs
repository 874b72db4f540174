//! The access matrix (`tests/fixtures/access-matrix.csv`) as the HTTP tests of every
//! case kind read it: the demo users with their roles, and the answer the matrix gives
//! for a user of several roles.

/// The need-to-know policy written down as data.
pub const MATRIX: &str = include_str!("../fixtures/access-matrix.csv");

/// The demo accounts with their agencies and roles (crates/web/src/auth/bootstrap.rs).
pub const USERS: &[(&str, &str, &[&str])] = &[
    ("police.officer", "cumbria-constabulary", &["officer"]),
    ("housing.officer", "derwent-solway-ha", &["officer"]),
    ("council.officer", "copeland-bc", &["officer"]),
    (
        "dv.specialist",
        "cumbria-constabulary",
        &["officer", "dv-specialist"],
    ),
    ("iom.manager", "iom-team", &["iom"]),
    ("pd.officer", "prevent-deter", &["prevent-deter"]),
    ("lmaps.chair", "copeland-bc", &["lmaps", "officer"]),
    ("analyst", "west-cumbria-csp", &["analyst"]),
    ("dpo", "west-cumbria-csp", &["dpo"]),
    ("demo.admin", "west-cumbria-csp", &["admin"]),
];

/// The matrix's answer (`allow`, `403` or `404`) for a user with several roles on a
/// case of `kind`: the most generous role wins (`domain::access::decide`), so any
/// `allow` allows, else any `403` forbids.
pub fn expected(roles: &[&str], relation: &str, kind: &str, action: &str) -> &'static str {
    let answers: Vec<&str> = roles
        .iter()
        .map(|role| {
            MATRIX
                .lines()
                .find_map(|line| {
                    let cols: Vec<&str> = line.split(',').collect();
                    (cols.len() == 5
                        && cols[0] == *role
                        && cols[1] == relation
                        && cols[2] == kind
                        && cols[3] == action)
                        .then_some(cols[4])
                })
                .unwrap_or_else(|| panic!("no matrix row for {role},{relation},{kind},{action}"))
        })
        .collect();
    if answers.contains(&"allow") {
        "allow"
    } else if answers.contains(&"403") {
        "403"
    } else {
        "404"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_generous_role_wins() {
        // An officer alone may not open their agency's DV case; a specialist may.
        assert_eq!(
            expected(&["officer"], "owner", "domestic-abuse", "view"),
            "404"
        );
        assert_eq!(
            expected(
                &["officer", "dv-specialist"],
                "owner",
                "domestic-abuse",
                "view"
            ),
            "allow"
        );
        assert_eq!(expected(&["officer"], "shared", "asb", "share"), "403");
    }
}
