//! Agencies, districts and wards: loaded from the reference file, read by everyone.

use casework_domain::reference::ReferenceDocument;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};
use serde::Serialize;

use crate::entities::{agency, district, ward};
use crate::{Store, StoreError};

/// The reference data shipped with Casework, compiled into the binary so the running
/// system reads no files of ours at run time.
pub const REFERENCE_FILE: &str = include_str!("../../../reference/reference.toml");

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Agency {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Ward {
    pub code: String,
    pub name: String,
    pub district: String,
    pub town: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct District {
    pub code: String,
    pub name: String,
}

impl Store {
    /// Adds any agency, district or ward in the reference file that is missing.
    /// Existing rows are left alone, so an administrator's edits stand and a second
    /// start changes nothing. Returns how many rows were added.
    pub async fn load_reference_data(&self) -> Result<usize, StoreError> {
        let doc = ReferenceDocument::parse(REFERENCE_FILE)
            .map_err(|e| StoreError::Invalid(format!("reference data: {e}")))?;
        let txn = self.begin_write().await?;
        let mut added = 0;
        let agencies: Vec<agency::ActiveModel> = doc
            .agencies
            .iter()
            .map(|a| agency::ActiveModel {
                code: Set(a.code.clone()),
                name: Set(a.name.clone()),
                kind: Set(a.kind.clone()),
                active: Set(true),
            })
            .collect();
        added += insert_missing(
            &txn,
            agency::Entity::insert_many(agencies),
            agency::Column::Code,
        )
        .await?;
        let districts: Vec<district::ActiveModel> = doc
            .districts
            .iter()
            .map(|d| district::ActiveModel {
                code: Set(d.code.clone()),
                name: Set(d.name.clone()),
            })
            .collect();
        added += insert_missing(
            &txn,
            district::Entity::insert_many(districts),
            district::Column::Code,
        )
        .await?;
        let wards: Vec<ward::ActiveModel> = doc
            .wards
            .iter()
            .map(|w| ward::ActiveModel {
                code: Set(w.code.clone()),
                name: Set(w.name.clone()),
                district_code: Set(w.district.clone()),
                town: Set(w.town.clone()),
                ons_code: Set(w.ons_code.clone()),
            })
            .collect();
        added += insert_missing(&txn, ward::Entity::insert_many(wards), ward::Column::Code).await?;
        txn.commit().await?;
        Ok(added)
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>, StoreError> {
        Ok(agency::Entity::find()
            .order_by_asc(agency::Column::Name)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|a| Agency {
                code: a.code,
                name: a.name,
                kind: a.kind,
            })
            .collect())
    }

    pub async fn districts(&self) -> Result<Vec<District>, StoreError> {
        Ok(district::Entity::find()
            .order_by_asc(district::Column::Name)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|d| District {
                code: d.code,
                name: d.name,
            })
            .collect())
    }

    pub async fn wards(&self) -> Result<Vec<Ward>, StoreError> {
        Ok(ward::Entity::find()
            .order_by_asc(ward::Column::DistrictCode)
            .order_by_asc(ward::Column::Name)
            .all(self.connection())
            .await?
            .into_iter()
            .map(|w| Ward {
                code: w.code,
                name: w.name,
                district: w.district_code,
                town: w.town,
            })
            .collect())
    }
}

/// Runs an `INSERT ... ON CONFLICT (key) DO NOTHING` and says how many rows went in.
async fn insert_missing<E, A, C>(
    conn: &impl ConnectionTrait,
    insert: sea_orm::InsertMany<A>,
    key: C,
) -> Result<usize, StoreError>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E>,
    C: sea_orm::sea_query::IntoIden,
{
    let result = insert
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(result as usize)
}
