use sea_orm::entity::prelude::*;

/// A quarter's figure for an entered measure (KSI casualties, credit-union activity),
/// for a district or `all`; one per slot, replaced (and audited) when corrected.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_measure_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_year: String,
    pub measure_key: String,
    pub quarter: String,
    pub district: String,
    pub value: f64,
    pub source: String,
    pub entered_by: Uuid,
    pub entered_by_agency: String,
    pub entered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
