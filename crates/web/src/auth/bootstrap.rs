//! Accounts that must exist: the first administrator of an empty database, and (in
//! demo mode only) one account per role so a newcomer can try every view.

use std::collections::BTreeSet;

use casework_domain::roles::Role;
use casework_store::Store;
use casework_store::users::NewUser;

use super::passwords::{hash_password, random_password};
use crate::AppError;

pub const FIRST_ADMIN: &str = "admin";
const DEMO_PASSWORD_KEY: &str = "demo.password";

/// Creates the `admin` account when there are no users at all. Returns its random
/// password, to be printed once; it must be changed at first sign-in.
pub async fn ensure_first_admin(store: &Store) -> Result<Option<String>, AppError> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let password = random_password();
    let new = NewUser {
        username: FIRST_ADMIN.into(),
        display_name: "Administrator".into(),
        agency: "west-cumbria-csp".into(),
        roles: BTreeSet::from([Role::Admin]),
        password_hash: hash_password(password.clone()).await?,
        must_change_password: true,
    };
    match store.create_user(store.connection(), new).await {
        Ok(_) => Ok(Some(password)),
        // Another server starting on the same database made it first.
        Err(casework_store::StoreError::Fields(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The demo accounts: (username, name, agency, roles).
pub const DEMO_USERS: &[(&str, &str, &str, &[Role])] = &[
    (
        "police.officer",
        "PC Alex Harper",
        "cumbria-constabulary",
        &[Role::Officer],
    ),
    (
        "housing.officer",
        "Sam Kerr",
        "derwent-solway-ha",
        &[Role::Officer],
    ),
    (
        "council.officer",
        "Jo Fletcher",
        "copeland-bc",
        &[Role::Officer],
    ),
    (
        "dv.specialist",
        "DC Morgan Ellis",
        "cumbria-constabulary",
        &[Role::Officer, Role::DvSpecialist],
    ),
    ("iom.manager", "Chris Dobson", "iom-team", &[Role::Iom]),
    (
        "pd.officer",
        "Lee Tyson",
        "prevent-deter",
        &[Role::PreventDeter],
    ),
    (
        "lmaps.chair",
        "Pat Nicholson",
        "copeland-bc",
        &[Role::Lmaps, Role::Officer],
    ),
    (
        "analyst",
        "Ruth Graham",
        "west-cumbria-csp",
        &[Role::Analyst],
    ),
    ("dpo", "Dana Irving", "west-cumbria-csp", &[Role::Dpo]),
    (
        "demo.admin",
        "Robin Birkett",
        "west-cumbria-csp",
        &[Role::Admin],
    ),
];

/// Adds the demo accounts that are missing, all with one random password that is
/// kept so it can be shown on the sign-in page in demo mode. Returns the password.
pub async fn ensure_demo_users(store: &Store) -> Result<String, AppError> {
    let password = match store.note(DEMO_PASSWORD_KEY).await? {
        Some(p) => p,
        None => {
            // Another server may store its own first; whichever was stored wins.
            store
                .set_note(DEMO_PASSWORD_KEY, &random_password())
                .await?;
            store
                .note(DEMO_PASSWORD_KEY)
                .await?
                .ok_or_else(|| AppError::Internal("demo password not stored".into()))?
        }
    };
    let hash = hash_password(password.clone()).await?;
    for (username, name, agency, roles) in DEMO_USERS {
        if store.user_by_username(username).await?.is_some() {
            continue;
        }
        let new = NewUser {
            username: (*username).into(),
            display_name: (*name).into(),
            agency: (*agency).into(),
            roles: roles.iter().copied().collect(),
            password_hash: hash.clone(),
            must_change_password: false,
        };
        match store.create_user(store.connection(), new).await {
            Ok(_) | Err(casework_store::StoreError::Fields(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(password)
}

/// The demo password, if demo accounts were made.
pub async fn demo_password(store: &Store) -> Result<Option<String>, AppError> {
    Ok(store.note(DEMO_PASSWORD_KEY).await?)
}
