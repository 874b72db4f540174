use anyhow::{Context, bail};
use casework_domain::calendar::{FinancialYear, uk_date};
use casework_store::Store;

use crate::cli::PlanAction;

pub async fn run(store: &Store, action: PlanAction) -> anyhow::Result<()> {
    // The plan's agencies must exist before a plan can name them.
    store.migrate_up().await?;
    store.load_reference_data().await?;
    match action {
        PlanAction::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let doc = store
                .parse_plan(&text)
                .await
                .with_context(|| format!("{} is not a valid plan file", file.display()))?;
            let report = store.import_plan(&doc).await?;
            if report.changed_nothing() {
                println!("plan {}: already up to date, nothing changed", report.year);
            } else {
                println!(
                    "plan {}: {} added, {} updated, {} removed",
                    report.year, report.added, report.updated, report.removed
                );
            }
        }
        PlanAction::Measures { file, year } => {
            store.load_built_in_plan().await?;
            let year = FinancialYear::parse(&year).map_err(anyhow::Error::msg)?;
            let Some(plan) = store.plan(year).await? else {
                bail!("no plan is loaded for {year}: import the plan first");
            };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let catalogue = store
                .import_measure_catalogue(&plan, &text, chrono::Utc::now())
                .await
                .with_context(|| format!("{} is not a valid measures file", file.display()))?;
            println!(
                "measures {}: {} loaded",
                plan.year,
                catalogue.measures.len()
            );
        }
        PlanAction::Show { year } => {
            store.load_built_in_plan().await?;
            let plan = match year {
                Some(year) => {
                    let year = FinancialYear::parse(&year).map_err(anyhow::Error::msg)?;
                    store.plan(year).await?
                }
                None => store.latest_plan().await?,
            };
            let Some(plan) = plan else {
                bail!("no plan is loaded for that year");
            };
            println!("{} ({})", plan.title, plan.year);
            for priority in &plan.priorities {
                println!("\n{}", priority.title);
                for aim in &priority.aims {
                    println!("  Aim: {}", aim.title);
                    for action in &aim.actions {
                        let review = action
                            .review_date
                            .map(|d| format!(" (review {})", uk_date(d)))
                            .unwrap_or_default();
                        println!(
                            "    - {} [{}]{review}",
                            action.text,
                            action.agencies.join(", ")
                        );
                    }
                }
            }
        }
    }
    Ok(())
}
