//! sea-orm entities, one per table. Other crates reach the database through the
//! store's functions, not through these.

pub mod agency;
pub mod api_token;
pub mod asb_assessment;
pub mod asb_incident;
pub mod asb_incident_person;
pub mod asb_incident_type;
pub mod case;
pub mod case_share;
pub mod district;
pub mod person;
pub mod plan_action;
pub mod plan_action_agency;
pub mod plan_aim;
pub mod plan_aim_partner;
pub mod plan_priority;
pub mod plan_year;
pub mod session;
pub mod setting;
pub mod user;
pub mod user_role;
pub mod ward;
