//! The plan, measured: each aim's measures (definition, direction, unit, baseline,
//! computed by a module or entered by an officer), their status against the baseline,
//! the quarters of the plan year they are reported for, which cases serve which aims,
//! and the progress of the plan's own actions.
//!
//! The measures of a plan year are data, in a file next to the plan
//! (`reference/plans/<year>-measures.toml`), so a new year needs no code; what this
//! module knows is the *kinds* of computation and the rules.

mod catalogue;
pub mod gold;
pub mod police_uk;
mod progress;
mod rules;
mod status;

pub use catalogue::{
    Baseline, CaseRuleDoc, Catalogue, CatalogueError, Direction, MeasureDoc, Source, Unit,
};
pub use progress::{
    ActionProgress, ActionStatus, EnteredFigure, PARTNERSHIP_AGENCY, is_overdue, may_enter_figure,
    may_update_action, parse_figure,
};
pub use rules::{CaseFacts, CaseRule, aims_served};
pub use status::{Status, change_percent, quarter_of, quarters_reported, status};

/// The districts of the partnership a measure is split by, and the whole partnership.
pub const ALL_DISTRICTS: &str = "all";
