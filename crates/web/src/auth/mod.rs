//! Identity: sign-in, sessions, API tokens, form tokens, and who the request is from.

pub mod actor;
pub mod api;
pub mod bootstrap;
pub mod csrf;
pub mod pages;
pub mod passwords;
pub mod rate_limit;
pub mod session_store;
pub mod sign_in;

pub use actor::CurrentUser;
