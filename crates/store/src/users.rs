//! Users, their roles, failed sign-ins and lockout.

use std::collections::{BTreeSet, HashMap};

use casework_domain::FieldError;
use casework_domain::access::Actor;
use casework_domain::roles::Role;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{agency, api_token, session, user, user_role};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub agency: String,
    pub roles: BTreeSet<Role>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub password_hash: String,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            agency: self.agency.clone(),
            roles: self.roles.clone(),
        }
    }

    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub agency: String,
    pub roles: BTreeSet<Role>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// What an administrator may change about a user.
#[derive(Debug, Clone)]
pub struct UserChanges {
    pub display_name: String,
    pub agency: String,
    pub roles: BTreeSet<Role>,
}

/// Usernames: lower-case letters, digits, dots, hyphens and underscores.
pub fn check_username(username: &str) -> Result<(), FieldError> {
    let ok = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "username",
            "Use 3 to 64 lower-case letters, digits, dots, hyphens or underscores.",
        ))
    }
}

impl Store {
    pub async fn count_users(&self) -> Result<u64, StoreError> {
        Ok(user::Entity::find().count(self.connection()).await?)
    }

    /// Creates a user, checking every field and naming each bad one.
    pub async fn create_user(
        &self,
        conn: &impl ConnectionTrait,
        new: NewUser,
    ) -> Result<User, StoreError> {
        let mut errors = Vec::new();
        if let Err(e) = check_username(&new.username) {
            errors.push(e);
        } else if user::Entity::find()
            .filter(user::Column::Username.eq(&new.username))
            .one(conn)
            .await?
            .is_some()
        {
            errors.push(FieldError::new("username", "That username is taken."));
        }
        if new.display_name.trim().is_empty() {
            errors.push(FieldError::new("display_name", "Enter the person's name."));
        }
        if agency::Entity::find_by_id(new.agency.clone())
            .one(conn)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "agency",
                "Choose one of the partnership's agencies.",
            ));
        }
        if new.roles.is_empty() {
            errors.push(FieldError::new("roles", "Choose at least one role."));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let id = Uuid::new_v4();
        user::ActiveModel {
            id: Set(id),
            username: Set(new.username.clone()),
            display_name: Set(new.display_name.trim().to_string()),
            agency_code: Set(new.agency.clone()),
            password_hash: Set(new.password_hash.clone()),
            must_change_password: Set(new.must_change_password),
            disabled: Set(false),
            failed_count: Set(0),
            first_failed_at: Set(None),
            locked_until: Set(None),
            created_at: Set(Utc::now()),
        }
        .insert(conn)
        .await?;
        insert_roles(conn, id, &new.roles).await?;
        self.user_by_id_on(conn, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The display names of these users, by id (one query), for "written by" lines.
    pub async fn user_names(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::DisplayName)
            .filter(user::Column::Id.is_in(ids.iter().copied()))
            .into_tuple::<(Uuid, String)>()
            .all(self.connection())
            .await?
            .into_iter()
            .collect())
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(self.connection())
            .await?;
        match row {
            Some(row) => Ok(Some(with_roles(self.connection(), row).await?)),
            None => Ok(None),
        }
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        self.user_by_id_on(self.connection(), id).await
    }

    async fn user_by_id_on(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
    ) -> Result<Option<User>, StoreError> {
        match user::Entity::find_by_id(id).one(conn).await? {
            Some(row) => Ok(Some(with_roles(conn, row).await?)),
            None => Ok(None),
        }
    }

    /// Every user, by agency then name, with their roles (two queries).
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let conn = self.connection();
        let rows = user::Entity::find()
            .order_by_asc(user::Column::AgencyCode)
            .order_by_asc(user::Column::DisplayName)
            .all(conn)
            .await?;
        let mut roles: HashMap<Uuid, BTreeSet<Role>> = HashMap::new();
        for r in user_role::Entity::find().all(conn).await? {
            if let Some(role) = Role::parse(&r.role) {
                roles.entry(r.user_id).or_default().insert(role);
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let r = roles.remove(&row.id).unwrap_or_default();
                to_user(row, r)
            })
            .collect())
    }

    /// Changes a user's name, agency and roles. Returns the user as it was.
    pub async fn update_user(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        changes: UserChanges,
    ) -> Result<User, StoreError> {
        let before = self
            .user_by_id_on(conn, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut errors = Vec::new();
        if changes.display_name.trim().is_empty() {
            errors.push(FieldError::new("display_name", "Enter the person's name."));
        }
        if agency::Entity::find_by_id(changes.agency.clone())
            .one(conn)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "agency",
                "Choose one of the partnership's agencies.",
            ));
        }
        if changes.roles.is_empty() {
            errors.push(FieldError::new("roles", "Choose at least one role."));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        user::ActiveModel {
            id: Set(id),
            display_name: Set(changes.display_name.trim().to_string()),
            agency_code: Set(changes.agency),
            ..Default::default()
        }
        .update(conn)
        .await?;
        user_role::Entity::delete_many()
            .filter(user_role::Column::UserId.eq(id))
            .exec(conn)
            .await?;
        insert_roles(conn, id, &changes.roles).await?;
        Ok(before)
    }

    /// Disables or re-enables a user. Disabling ends their sessions and revokes their
    /// API tokens at once, on every server.
    pub async fn set_user_disabled(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let result = user::Entity::update_many()
            .col_expr(user::Column::Disabled, disabled.into())
            .filter(user::Column::Id.eq(id))
            .exec(conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            end_sessions_of(conn, id).await?;
        }
        Ok(())
    }

    /// Sets a new password hash and ends every session and API token of the user.
    pub async fn set_password(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        password_hash: String,
        must_change: bool,
    ) -> Result<(), StoreError> {
        user::ActiveModel {
            id: Set(id),
            password_hash: Set(password_hash),
            must_change_password: Set(must_change),
            failed_count: Set(0),
            first_failed_at: Set(None),
            locked_until: Set(None),
            ..Default::default()
        }
        .update(conn)
        .await?;
        end_sessions_of(conn, id).await
    }

    /// Counts a failed sign-in against the account and locks it once `failures` have
    /// happened within `window`. Returns whether the account is now locked.
    pub async fn record_failed_sign_in(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        failures: i64,
        window: Duration,
        lock_for: Duration,
    ) -> Result<bool, StoreError> {
        let txn = self.begin_write().await?;
        let Some(row) = user::Entity::find_by_id(id).one(&txn).await? else {
            return Err(StoreError::NotFound);
        };
        let (count, first) = match row.first_failed_at {
            Some(first) if now - first <= window => (row.failed_count + 1, first),
            _ => (1, now),
        };
        let locked = i64::from(count) >= failures;
        user::ActiveModel {
            id: Set(id),
            failed_count: Set(if locked { 0 } else { count }),
            first_failed_at: Set(if locked { None } else { Some(first) }),
            locked_until: Set(if locked {
                Some(now + lock_for)
            } else {
                row.locked_until
            }),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        txn.commit().await?;
        Ok(locked)
    }

    pub async fn clear_failed_sign_ins(&self, id: Uuid) -> Result<(), StoreError> {
        user::ActiveModel {
            id: Set(id),
            failed_count: Set(0),
            first_failed_at: Set(None),
            locked_until: Set(None),
            ..Default::default()
        }
        .update(self.connection())
        .await?;
        Ok(())
    }
}

async fn insert_roles(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    roles: &BTreeSet<Role>,
) -> Result<(), StoreError> {
    for role in roles {
        user_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(role.as_str().to_string()),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Deletes every session and API token of a user.
pub(crate) async fn end_sessions_of(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<(), StoreError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

async fn with_roles(conn: &impl ConnectionTrait, row: user::Model) -> Result<User, StoreError> {
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(row.id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role))
        .collect();
    Ok(to_user(row, roles))
}

fn to_user(row: user::Model, roles: BTreeSet<Role>) -> User {
    User {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        agency: row.agency_code,
        roles,
        must_change_password: row.must_change_password,
        disabled: row.disabled,
        locked_until: row.locked_until,
        password_hash: row.password_hash,
    }
}
