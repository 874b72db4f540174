//! The audit log: hash-chained events, their subjects, and the head pointer that is
//! also the append lock. Triggers make the log append-only on both databases.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SHA-256 in lowercase hex.
const HASH_LEN: u32 = 64;
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    // Assigned by the appender under the head lock, never autoincrement:
                    // the sequence must have no gaps.
                    .col(big_integer(AuditEvents::Seq).primary_key())
                    .col(char_len(AuditEvents::PrevHash, HASH_LEN))
                    .col(char_len(AuditEvents::Hash, HASH_LEN))
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(uuid_null(AuditEvents::ActorUserId))
                    .col(string_null(AuditEvents::ActorUsername))
                    .col(string_null(AuditEvents::ActorAgency))
                    .col(string(AuditEvents::Action))
                    .col(string_null(AuditEvents::EntityKind))
                    .col(string_null(AuditEvents::EntityId))
                    .col(text(AuditEvents::Subjects))
                    .col(text_null(AuditEvents::Reason))
                    .col(text(AuditEvents::Summary))
                    .col(text_null(AuditEvents::Query))
                    .col(big_integer_null(AuditEvents::ResultCount))
                    .col(string_null(AuditEvents::RequestId))
                    .col(string_null(AuditEvents::ClientAddr))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_audit_events_actor", &[AuditEvents::ActorUserId][..]),
            ("idx_audit_events_agency", &[AuditEvents::ActorAgency]),
            ("idx_audit_events_action", &[AuditEvents::Action]),
            ("idx_audit_events_occurred_at", &[AuditEvents::OccurredAt]),
            (
                "idx_audit_events_entity",
                &[AuditEvents::EntityKind, AuditEvents::EntityId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditSubjects::Table)
                    .col(big_integer(AuditSubjects::Seq))
                    .col(uuid(AuditSubjects::PersonId))
                    .primary_key(
                        Index::create()
                            .col(AuditSubjects::Seq)
                            .col(AuditSubjects::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditSubjects::Table, AuditSubjects::Seq)
                            .to(AuditEvents::Table, AuditEvents::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_subjects_person")
                    .table(AuditSubjects::Table)
                    .col(AuditSubjects::PersonId)
                    .col(AuditSubjects::Seq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(integer(AuditHead::Id).primary_key())
                    .col(big_integer(AuditHead::Seq))
                    .col(char_len(AuditHead::Hash, HASH_LEN))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditHead::Table)
                    .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                    .values_panic([1.into(), 0i64.into(), GENESIS_HASH.into()])
                    .to_owned(),
            )
            .await?;
        let connection = manager.get_connection();
        for sql in append_only_sql(manager.get_database_backend()) {
            connection.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Dropping a table drops its triggers; PostgreSQL's functions go after.
        for table in [
            AuditHead::Table.into_iden(),
            AuditSubjects::Table.into_iden(),
            AuditEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            let connection = manager.get_connection();
            connection
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_refuse_change()")
                .await?;
            connection
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_head_forward_only()")
                .await?;
        }
        Ok(())
    }
}

/// Triggers that refuse to change or remove an event or subject row, and keep the
/// head row present and moving forward only.
fn append_only_sql(backend: DbBackend) -> Vec<&'static str> {
    match backend {
        DbBackend::Postgres => vec![
            "CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$",
            "CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN
                 RAISE EXCEPTION 'audit log head only moves forward';
               END IF;
               RETURN NEW;
             END; $$",
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
             FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
             FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
            "CREATE TRIGGER audit_subjects_append_only BEFORE UPDATE OR DELETE ON audit_subjects
             FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            "CREATE TRIGGER audit_subjects_no_truncate BEFORE TRUNCATE ON audit_subjects
             FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
            "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
             FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()",
        ],
        _ => vec![
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
             BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
             BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            "CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
             BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            "CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
             BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
             BEGIN SELECT RAISE(ABORT, 'audit log head only moves forward'); END",
            "CREATE TRIGGER audit_head_no_rewind BEFORE UPDATE ON audit_head
             WHEN NEW.seq < OLD.seq
             BEGIN SELECT RAISE(ABORT, 'audit log head only moves forward'); END",
        ],
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    Seq,
    PrevHash,
    Hash,
    OccurredAt,
    ActorUserId,
    ActorUsername,
    ActorAgency,
    Action,
    EntityKind,
    EntityId,
    Subjects,
    Reason,
    Summary,
    Query,
    ResultCount,
    RequestId,
    ClientAddr,
}

#[derive(DeriveIden)]
enum AuditSubjects {
    Table,
    Seq,
    PersonId,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}
