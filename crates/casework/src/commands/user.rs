use std::collections::BTreeSet;
use std::io::Read;

use anyhow::{Context, bail};
use casework_domain::password::check_new_password;
use casework_domain::roles::Role;
use casework_store::users::NewUser;
use casework_store::{Store, StoreError};
use casework_web::auth::passwords::hash_password;

use casework_audit::{AuditAction, NewAuditEvent, append, changes};
use serde_json::json;

use crate::cli::UserAction;

/// An event done from the server's shell, by whoever runs the command there.
fn shell_event(action: AuditAction) -> NewAuditEvent {
    let mut event = NewAuditEvent::new(action);
    let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    event.actor_username = Some(format!("command line ({who})"));
    event
}

pub async fn run(store: &Store, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Add {
            username,
            agency,
            roles,
            display_name,
            password_stdin,
        } => {
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            check_new_password(&password, &[username.as_str()])
                .map_err(|e| anyhow::anyhow!("password: {}", e.message))?;
            let roles: BTreeSet<Role> = roles
                .iter()
                .map(|r| {
                    Role::parse(r).with_context(|| {
                        let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                        format!("unknown role '{r}': use one of {}", known.join(", "))
                    })
                })
                .collect::<anyhow::Result<_>>()?;
            let new = NewUser {
                display_name: display_name.unwrap_or_else(|| username.clone()),
                username,
                agency,
                roles,
                password_hash: hash_password(password).await?,
                must_change_password: false,
            };
            let txn = store.begin_write().await?;
            match store.create_user(&txn, new).await {
                Ok(user) => {
                    let event = shell_event(AuditAction::Create)
                        .entity("user", user.id)
                        .summary(json!({
                            "username": user.username,
                            "agency": user.agency,
                            "roles": user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                        }));
                    append(&txn, vec![event]).await?;
                    txn.commit().await?;
                    println!("user {} added ({})", user.username, user.agency);
                }
                Err(StoreError::Fields(errors)) => {
                    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    bail!("{}", text.join("; "));
                }
                Err(e) => return Err(e.into()),
            }
        }
        UserAction::Disable { username } => {
            let user = store
                .user_by_username(&username)
                .await?
                .with_context(|| format!("there is no user '{username}'"))?;
            let txn = store.begin_write().await?;
            store.set_user_disabled(&txn, user.id, true).await?;
            let event = shell_event(AuditAction::AccountChange)
                .entity("user", user.id)
                .summary(changes(&[("disabled", json!(false), json!(true))]));
            append(&txn, vec![event]).await?;
            txn.commit().await?;
            println!("user {username} disabled; their sessions and tokens have ended");
        }
    }
    Ok(())
}
