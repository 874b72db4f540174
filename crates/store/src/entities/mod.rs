//! sea-orm entities, one per table. Other crates reach the database through the
//! store's functions, not through these.

pub mod agency;
pub mod district;
pub mod plan_action;
pub mod plan_action_agency;
pub mod plan_aim;
pub mod plan_aim_partner;
pub mod plan_priority;
pub mod plan_year;
pub mod setting;
pub mod ward;
