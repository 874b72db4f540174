//! Web sessions and API tokens, kept in the database so that every server sharing it
//! sees the same ones, and so that sign-out and disabling a user end them everywhere.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use uuid::Uuid;

use crate::entities::{api_token, session, user};
use crate::users::User;
use crate::{Store, StoreError};

/// A stored session: opaque data with its expiry and, once signed in, its user.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub data: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
}

impl Store {
    /// Stores a new session; `false` when the id is already taken (so the caller picks
    /// another id rather than overwrite someone else's session).
    pub async fn create_session(&self, row: SessionRow) -> Result<bool, StoreError> {
        let inserted = session::Entity::insert(to_active(row))
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(self.connection())
            .await?;
        Ok(inserted == 1)
    }

    pub async fn save_session(&self, row: SessionRow) -> Result<(), StoreError> {
        session::Entity::insert(to_active(row))
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([
                        session::Column::Data,
                        session::Column::ExpiresAt,
                        session::Column::UserId,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(self.connection())
            .await?;
        Ok(())
    }

    /// A session that has not expired.
    pub async fn load_session(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRow>, StoreError> {
        Ok(session::Entity::find_by_id(id.to_string())
            .filter(session::Column::ExpiresAt.gt(now))
            .one(self.connection())
            .await?
            .map(|s| SessionRow {
                id: s.id,
                data: s.data,
                expires_at: s.expires_at,
                user_id: s.user_id,
            }))
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        session::Entity::delete_by_id(id.to_string())
            .exec(self.connection())
            .await?;
        Ok(())
    }

    /// Removes expired sessions and tokens; returns how many rows went.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let sessions = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(self.connection())
            .await?;
        let tokens = api_token::Entity::delete_many()
            .filter(api_token::Column::ExpiresAt.lte(now))
            .exec(self.connection())
            .await?;
        Ok(sessions.rows_affected + tokens.rows_affected)
    }

    /// Stores the hash of a new API token.
    pub async fn create_api_token(
        &self,
        user_id: Uuid,
        token_hash: String,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        api_token::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            token_hash: Set(token_hash),
            created_at: Set(Utc::now()),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        }
        .insert(self.connection())
        .await?;
        Ok(())
    }

    /// The user a live token belongs to: not expired, not revoked, user not disabled.
    pub async fn user_for_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        let token = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::ExpiresAt.gt(now))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(self.connection())
            .await?;
        let Some(token) = token else {
            return Ok(None);
        };
        let active = user::Entity::find_by_id(token.user_id)
            .filter(user::Column::Disabled.eq(false))
            .one(self.connection())
            .await?
            .is_some();
        if !active {
            return Ok(None);
        }
        self.user_by_id(token.user_id).await
    }

    pub async fn revoke_api_token(&self, token_hash: &str) -> Result<bool, StoreError> {
        let result = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Some(Utc::now()).into())
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(self.connection())
            .await?;
        Ok(result.rows_affected > 0)
    }
}

fn to_active(row: SessionRow) -> session::ActiveModel {
    session::ActiveModel {
        id: Set(row.id),
        data: Set(row.data),
        expires_at: Set(row.expires_at),
        user_id: Set(row.user_id),
    }
}
