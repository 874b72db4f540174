//! Why someone opens a record they are not working on. The law-enforcement logging
//! duty (Data Protection Act 2018 s.62) asks for the justification of each
//! consultation and disclosure, so the reason goes into the audit log.

use crate::FieldError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessReason {
    LmapsPreparation,
    SafeguardingConcern,
    ReferralAssessment,
    Other(String),
}

const MAX_LENGTH: usize = 500;

impl AccessReason {
    /// The choices a form offers, as (code, words).
    pub const CHOICES: [(&'static str, &'static str); 4] = [
        ("lmaps-preparation", "Preparing for an LMAPS meeting"),
        ("safeguarding", "A safeguarding concern"),
        ("referral-assessment", "Assessing a referral"),
        ("other", "Another reason (say what)"),
    ];

    /// From a form: a chosen code, with text required for "other".
    pub fn from_form(code: &str, text: &str) -> Result<AccessReason, FieldError> {
        let text = text.trim();
        match code {
            "lmaps-preparation" => Ok(AccessReason::LmapsPreparation),
            "safeguarding" => Ok(AccessReason::SafeguardingConcern),
            "referral-assessment" => Ok(AccessReason::ReferralAssessment),
            "other" if text.is_empty() => Err(FieldError::new(
                "reason_text",
                "Say why you are opening this record.",
            )),
            "other" => AccessReason::other(text),
            _ => Err(FieldError::new(
                "reason",
                "Choose why you are opening this record.",
            )),
        }
    }

    /// From the API's `X-Access-Reason` header: a code, or words of the caller's own.
    pub fn from_header(value: &str) -> Result<AccessReason, FieldError> {
        let value = value.trim();
        match value {
            "" => Err(FieldError::new("X-Access-Reason", "The reason is empty.")),
            "lmaps-preparation" | "safeguarding" | "referral-assessment" => {
                AccessReason::from_form(value, "")
            }
            text => AccessReason::other(text),
        }
    }

    fn other(text: &str) -> Result<AccessReason, FieldError> {
        if text.chars().count() > MAX_LENGTH {
            Err(FieldError::new(
                "reason_text",
                format!("Use at most {MAX_LENGTH} characters."),
            ))
        } else {
            Ok(AccessReason::Other(text.to_string()))
        }
    }

    /// As written in the audit log.
    pub fn as_text(&self) -> String {
        match self {
            AccessReason::LmapsPreparation => "LMAPS preparation".into(),
            AccessReason::SafeguardingConcern => "Safeguarding concern".into(),
            AccessReason::ReferralAssessment => "Referral assessment".into(),
            AccessReason::Other(text) => format!("Other: {text}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_needs_words() {
        assert!(AccessReason::from_form("other", "  ").is_err());
        assert_eq!(
            AccessReason::from_form("other", "court order")
                .expect("ok")
                .as_text(),
            "Other: court order"
        );
        assert!(AccessReason::from_form("curious", "").is_err());
        assert!(AccessReason::from_form("other", &"x".repeat(501)).is_err());
    }

    #[test]
    fn headers_take_codes_or_text() {
        assert_eq!(
            AccessReason::from_header("safeguarding"),
            Ok(AccessReason::SafeguardingConcern)
        );
        assert_eq!(
            AccessReason::from_header("MARAC research"),
            Ok(AccessReason::Other("MARAC research".into()))
        );
        assert!(AccessReason::from_header(" ").is_err());
    }
}
