//! The database behind one door: what the rest of Casework needs, in its words,
//! on SQLite or PostgreSQL. Handlers never build queries; they call these.

pub mod actions;
pub mod asb;
pub mod cases;
mod db;
pub mod dv;
pub mod entities;
mod error;
pub mod iom;
pub mod lmaps;
pub mod open_data;
pub mod people;
pub mod plan;
pub mod plan_report;
pub mod prevent_deter;
mod reach;
pub mod reference;
pub mod referrals;
pub mod sessions;
mod settings;
mod statistics;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;

pub use db::{Backend, Store, redact};
pub use error::StoreError;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
