//! Local Multi Agency Problem Solving (LMAPS) meetings: a meeting per district on a
//! day, with a chair and invited agencies; the agenda the system proposes, each item
//! with the reasons it is there; and the minutes. The actions minuted at a meeting
//! join the one actions list (`crate::actions`).
//!
//! Every rule takes `today` from its caller; the access window is the setting
//! `lmaps.access-window-days`.

pub mod agenda;
pub mod meeting;
pub mod minutes;
pub mod rules;

pub use agenda::{AgendaItem, CaseSignal, Chosen, Signal, propose, settle};
pub use meeting::{MeetingInput, MeetingStatus, NewMeeting, check_meeting, may_run_meetings};
pub use minutes::{ItemMinutes, ItemMinutesInput, check_item_minutes};
pub use rules::{Reason, RuleContext};

/// The agency a domestic abuse case is shared with to put it before LMAPS: the
/// partnership itself, which runs the meetings. The owning agency shares the case with
/// it (an ordinary, audited share with its reason); that share gives the partnership's
/// own officers nothing beyond what the access policy already says about shares.
pub const LMAPS_SHARE_AGENCY: &str = "west-cumbria-csp";
