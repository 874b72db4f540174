//! The roles a user can hold. A user belongs to one agency and holds one or more roles.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Works the cases of their agency and those shared with it.
    Officer,
    /// Works domestic abuse cases, which are restricted.
    DvSpecialist,
    /// The Integrated Offender Management team (police and probation).
    Iom,
    /// The Prevent & Deter youth team.
    PreventDeter,
    /// Attends LMAPS meetings: sees the cases on the agendas of meetings their agency attends.
    Lmaps,
    /// Counts and measures, never personal data.
    Analyst,
    /// Data protection officer: reads the audit log and makes subject access exports.
    Dpo,
    /// Users, agencies and settings; no case data unless they also hold a case role.
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Officer,
        Role::DvSpecialist,
        Role::Iom,
        Role::PreventDeter,
        Role::Lmaps,
        Role::Analyst,
        Role::Dpo,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::DvSpecialist => "dv-specialist",
            Role::Iom => "iom",
            Role::PreventDeter => "prevent-deter",
            Role::Lmaps => "lmaps",
            Role::Analyst => "analyst",
            Role::Dpo => "dpo",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// What the role is for, in a line, for the administrator's user form.
    pub fn description(self) -> &'static str {
        match self {
            Role::Officer => "works the cases their agency owns or is shared",
            Role::DvSpecialist => "works restricted domestic abuse cases",
            Role::Iom => "Integrated Offender Management team",
            Role::PreventDeter => "Prevent & Deter youth team",
            Role::Lmaps => "sees cases on the agendas of LMAPS meetings their agency attends",
            Role::Analyst => "counts and measures only, never personal data",
            Role::Dpo => "data protection officer: audit log and subject access exports",
            Role::Admin => "users, agencies and settings; no case data",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
