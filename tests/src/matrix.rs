//! The access matrix (`tests/fixtures/access-matrix.csv`) as the HTTP tests of every
//! case kind read it: the demo users with their roles, the answer the matrix gives for
//! a user of several roles, and one driver that checks a kind's rows over HTTP.

use std::collections::HashMap;

use casework_audit::{AuditAction, AuditFilter};
use casework_store::Store;
use chrono::Utc;
use uuid::Uuid;

use crate::TestApp;

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

/// The relations of a case to a user that every kind's HTTP matrix test sets up.
/// (`agenda` needs an LMAPS meeting, which its own tests set up.)
pub const RELATIONS: [&str; 4] = ["none", "shared", "owner", "owner-lead"];

/// The case actions the matrix lists, in its words.
pub const ACTIONS: [&str; 5] = ["view", "edit", "share", "view-audit", "close"];

/// One row of the matrix to set up: who asks, and how the new case must stand to them.
pub struct Setup<'a> {
    pub relation: &'a str,
    /// The agency that owns the case: the user's own for `owner*`, another otherwise.
    pub owner_agency: String,
    /// Someone other than the user, so the case is not theirs by having logged it.
    pub logged_by: Uuid,
    /// The user, for `owner-lead`.
    pub lead_officer: Option<Uuid>,
}

/// One case kind's rows of the matrix, to run over HTTP.
pub struct HttpMatrix<'a> {
    /// The kind as the matrix names it (`asb`, `domestic-abuse`, `iom`, ...).
    pub kind: &'a str,
    /// Agencies to own the case for relations other than `owner*`: the first, or the
    /// second when the user belongs to the first.
    pub other_agencies: [&'a str; 2],
    /// Who is asked for `missing_path`, a record that does not exist: every 404 must
    /// read exactly as that one does.
    pub asker: &'a str,
    pub missing_path: String,
    /// Personal data that no refusal may show.
    pub secrets: &'a [&'a str],
}

impl HttpMatrix<'_> {
    /// For every relation and demo user, `open` makes a case standing to the user so
    /// (the driver shares it for `shared`), then each action goes through `request`
    /// with the user's token and an access reason. An allowed action must succeed; a
    /// refusal must be 403 or the 404 of a missing record, and never show the secrets.
    /// Panics listing every failure; returns how many refusals there were (the missing
    /// record included), each of which the audit log should hold.
    pub async fn check<Open, Request>(
        &self,
        app: &TestApp,
        store: &Store,
        open: Open,
        request: Request,
    ) -> u64
    where
        Open: AsyncFn(Setup<'_>) -> Uuid,
        Request: Fn(Uuid, &str) -> reqwest::RequestBuilder,
    {
        let mut ids = HashMap::new();
        // One token each: sign-ins are rate limited per address.
        let mut tokens = HashMap::new();
        for (username, _, _) in USERS {
            tokens.insert(*username, app.api_token(username).await);
            let user = store
                .user_by_username(username)
                .await
                .expect("read")
                .expect("demo user");
            ids.insert(*username, user.id);
        }
        let missing = app
            .client
            .get(app.url(&self.missing_path))
            .bearer_auth(&tokens[self.asker])
            .send()
            .await
            .expect("get");
        assert_eq!(missing.status(), 404);
        let missing_body = missing.text().await.expect("body");
        let mut denials = 1;
        let mut failures = Vec::new();
        for relation in RELATIONS {
            for (username, agency, roles) in USERS {
                let me = ids[username];
                let owner_agency = if relation.starts_with("owner") {
                    (*agency).to_string()
                } else if *agency == self.other_agencies[0] {
                    self.other_agencies[1].to_string()
                } else {
                    self.other_agencies[0].to_string()
                };
                let logged_by = if *username == "analyst" {
                    ids["demo.admin"]
                } else {
                    ids["analyst"]
                };
                let id = open(Setup {
                    relation,
                    owner_agency,
                    logged_by,
                    lead_officer: (relation == "owner-lead").then_some(me),
                })
                .await;
                if relation == "shared" {
                    let txn = store.begin_write().await.expect("txn");
                    store
                        .share_case(&txn, id, agency, "Joint working", logged_by, Utc::now())
                        .await
                        .expect("shared");
                    txn.commit().await.expect("commit");
                }
                for action in ACTIONS {
                    let response = request(id, action)
                        .bearer_auth(&tokens[username])
                        .header("X-Access-Reason", "safeguarding")
                        .send()
                        .await
                        .expect("request");
                    let status = response.status().as_u16();
                    let body = response.text().await.expect("body");
                    let want = expected(roles, relation, self.kind, action);
                    let ok = match want {
                        "allow" => (200..300).contains(&status),
                        "403" => status == 403,
                        _ => status == 404 && body == missing_body,
                    };
                    if want != "allow" {
                        denials += 1;
                        if self.secrets.iter().any(|secret| body.contains(secret)) {
                            failures.push(format!(
                                "{username} {relation} {action}: personal data in {body}"
                            ));
                        }
                    }
                    if !ok {
                        failures.push(format!(
                            "{username} {relation} {action}: expected {want}, got {status} {body}"
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        denials
    }
}

/// How many refusals the audit log holds.
pub async fn refusals_audited(store: &Store) -> u64 {
    let filter = AuditFilter {
        action: Some(AuditAction::AccessDenied),
        ..Default::default()
    };
    casework_audit::search(store.connection(), &filter, 1, 1)
        .await
        .expect("search")
        .total
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
