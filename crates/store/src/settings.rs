//! The partnership's settings: defaults live in the domain, changes live here.

use casework_domain::settings::Settings;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use crate::entities::setting;
use crate::{Store, StoreError};

impl Store {
    /// The settings in force: stored values over the defaults.
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        let rows = setting::Entity::find().all(self.connection()).await?;
        Settings::from_pairs(rows.iter().map(|r| (r.key.as_str(), r.value.as_str())))
            .map_err(StoreError::Fields)
    }

    /// Changes one setting after checking it. Returns the old value.
    pub async fn set_setting(
        &self,
        conn: &impl ConnectionTrait,
        key: &str,
        value: &str,
    ) -> Result<i64, StoreError> {
        let mut settings = self.settings().await?;
        let old = settings.get(key).unwrap_or_default();
        settings
            .set(key, value)
            .map_err(|e| StoreError::Fields(vec![e]))?;
        let row = setting::ActiveModel {
            key: Set(key.to_string()),
            value: Set(settings.get(key).unwrap_or_default().to_string()),
            updated_at: Set(Utc::now()),
        };
        setting::Entity::insert(row)
            .on_conflict(
                OnConflict::column(setting::Column::Key)
                    .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
        Ok(old)
    }
}

impl Store {
    /// A free-text value kept beside the settings (not a setting: not checked, not
    /// shown on the settings page). Used for the demo password.
    pub async fn note(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(setting::Entity::find_by_id(key.to_string())
            .one(self.connection())
            .await?
            .map(|row| row.value))
    }

    pub async fn set_note(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let row = setting::ActiveModel {
            key: Set(key.to_string()),
            value: Set(value.to_string()),
            updated_at: Set(Utc::now()),
        };
        setting::Entity::insert(row)
            .on_conflict(
                OnConflict::column(setting::Column::Key)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(self.connection())
            .await?;
        Ok(())
    }
}
