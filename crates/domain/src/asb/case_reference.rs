//! Case references as officers quote them on the phone and in letters:
//! `ASB-2012-00042`, the kind, the year the case was opened and its number that year.

use serde::{Deserialize, Serialize};

use crate::access::CaseKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseReference {
    kind: CaseKind,
    year: i32,
    sequence: u32,
}

/// The largest number a year's five digits hold.
const MAX_SEQUENCE: u32 = 99_999;

impl CaseReference {
    /// `None` unless the year has four digits and the number is 1 to 99,999.
    pub fn new(kind: CaseKind, year: i32, sequence: u32) -> Option<CaseReference> {
        ((1000..=9999).contains(&year) && (1..=MAX_SEQUENCE).contains(&sequence)).then_some(
            CaseReference {
                kind,
                year,
                sequence,
            },
        )
    }

    /// Reads a reference as typed: spaces around it and lower case are forgiven.
    pub fn parse(text: &str) -> Result<CaseReference, String> {
        let bad = || {
            format!(
                "'{}' is not a case reference: write it like ASB-2012-00042",
                text.trim()
            )
        };
        let upper = text.trim().to_ascii_uppercase();
        let mut parts = upper.split('-');
        let (Some(prefix), Some(year), Some(sequence), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let kind = CaseKind::ALL
            .into_iter()
            .find(|k| prefix_of(*k) == prefix)
            .ok_or_else(bad)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(sequence, 5) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let sequence: u32 = sequence.parse().map_err(|_| bad())?;
        CaseReference::new(kind, year, sequence).ok_or_else(bad)
    }

    pub fn kind(self) -> CaseKind {
        self.kind
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn sequence(self) -> u32 {
        self.sequence
    }
}

/// The letters each kind of case is known by.
fn prefix_of(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Asb => "ASB",
        CaseKind::DomesticAbuse => "DV",
        CaseKind::Iom => "IOM",
        CaseKind::PreventDeter => "PD",
    }
}

impl std::fmt::Display for CaseReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}-{:05}",
            prefix_of(self.kind),
            self.year,
            self.sequence
        )
    }
}

impl TryFrom<String> for CaseReference {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CaseReference> for String {
    fn from(value: CaseReference) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_print_with_five_digits() {
        let reference = CaseReference::new(CaseKind::Asb, 2012, 42).expect("valid");
        assert_eq!(reference.to_string(), "ASB-2012-00042");
        let last = CaseReference::new(CaseKind::Asb, 2012, 99_999).expect("valid");
        assert_eq!(last.to_string(), "ASB-2012-99999");
        let first = CaseReference::new(CaseKind::DomesticAbuse, 2013, 1).expect("valid");
        assert_eq!(first.to_string(), "DV-2013-00001");
        assert_eq!(CaseReference::parse("dv-2013-00001"), Ok(first));
        assert!(CaseReference::parse("DA-2013-00001").is_err());
    }

    #[test]
    fn numbers_and_years_out_of_range_are_refused() {
        assert_eq!(CaseReference::new(CaseKind::Asb, 2012, 0), None);
        assert_eq!(CaseReference::new(CaseKind::Asb, 2012, 100_000), None);
        assert_eq!(CaseReference::new(CaseKind::Asb, 999, 1), None);
        assert_eq!(CaseReference::new(CaseKind::Asb, 10_000, 1), None);
    }

    #[test]
    fn references_round_trip_for_every_kind() {
        for kind in CaseKind::ALL {
            let reference = CaseReference::new(kind, 2012, 7).expect("valid");
            assert_eq!(CaseReference::parse(&reference.to_string()), Ok(reference));
        }
    }

    #[test]
    fn typed_references_are_forgiven_case_and_spaces() {
        let reference = CaseReference::parse(" asb-2012-00042 ").expect("valid");
        assert_eq!(
            (reference.kind(), reference.year(), reference.sequence()),
            (CaseKind::Asb, 2012, 42)
        );
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in [
            "",
            "ASB-2012-42",
            "ASB-2012-000042",
            "ASB-12-00042",
            "XYZ-2012-00042",
            "ASB-2012-00000",
            "ASB-2012-0004a",
            "ASB-2012-+0042",
            "ASB 2012 00042",
            "ASB-2012-00042-1",
        ] {
            assert!(
                CaseReference::parse(bad).is_err(),
                "{bad} should be refused"
            );
        }
        let err = CaseReference::parse("ASB-2012-42").expect_err("short");
        assert!(err.contains("write it like ASB-2012-00042"));
    }
}
