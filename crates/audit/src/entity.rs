//! sea-orm entities of the audit tables (migration `m20261128_000004_audit`). Kept
//! here rather than in the store: only this crate may write them.

pub mod audit_event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub prev_hash: String,
        pub hash: String,
        pub occurred_at: DateTimeUtc,
        pub actor_user_id: Option<Uuid>,
        pub actor_username: Option<String>,
        pub actor_agency: Option<String>,
        pub action: String,
        pub entity_kind: Option<String>,
        pub entity_id: Option<String>,
        /// Sorted person ids joined by commas; hashed with the rest.
        pub subjects: String,
        pub reason: Option<String>,
        pub summary: String,
        pub query: Option<String>,
        pub result_count: Option<i64>,
        pub request_id: Option<String>,
        pub client_addr: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_subject {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_subjects")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_head {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub seq: i64,
        pub hash: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
