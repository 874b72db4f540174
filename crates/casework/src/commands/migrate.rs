use casework_store::Store;

use crate::cli::MigrateAction;

pub async fn run(store: &Store, action: MigrateAction) -> anyhow::Result<()> {
    match action {
        MigrateAction::Up => {
            store.migrate_up().await?;
            println!("migrations applied");
        }
        MigrateAction::Down { steps, all } => {
            store.migrate_down((!all).then_some(steps)).await?;
            println!("migrations rolled back");
        }
        MigrateAction::Status => {
            for (name, applied) in store.migration_status().await? {
                println!("{} {name}", if applied { "applied" } else { "pending" });
            }
        }
    }
    Ok(())
}
