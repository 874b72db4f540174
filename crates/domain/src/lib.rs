//! The partnership's rules, in its own words. Plain Rust: no I/O, no clock, no database.
//! Callers pass `today` and the facts a rule needs; every rule has its boundaries tested
//! beside it.

pub mod access;
pub mod access_reason;
pub mod access_scope;
pub mod actions;
pub mod asb;
pub mod calendar;
pub mod case_work;
pub mod dv;
pub mod field;
pub mod iom;
pub mod lmaps;
pub mod open_data;
pub mod password;
pub mod people;
pub mod plan;
pub mod plan_measures;
pub mod prevent_deter;
pub mod reference;
pub mod referral;
pub mod roles;
pub mod settings;

pub use field::FieldError;
