//! Open data: the police.uk street-level crime files, one row per crime or ASB
//! incident, and what the partnership takes from them.
//!
//! A file is checked row by row here; the store streams it and keeps only the rows
//! whose LSOA lies in one of the partnership's districts.

use chrono::NaiveDate;
use serde::Serialize;

use crate::access::Actor;
use crate::roles::Role;

/// The twelve columns of a police.uk street-level file, in order.
pub const POLICE_UK_COLUMNS: [&str; 12] = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
];

/// The crime type the counts and the map show unless asked for another.
pub const DEFAULT_CRIME_TYPE: &str = "Anti-social behaviour";

/// The partnership's districts as police.uk names them at the start of an LSOA name
/// (`Allerdale 001A`). A setting-like list: callers pass the one they use.
pub const DEFAULT_DISTRICT_PREFIXES: [&str; 2] = ["Allerdale", "Copeland"];

/// One row of a street-level file, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoliceUkRow {
    /// Empty for anti-social behaviour.
    pub crime_id: Option<String>,
    /// The first day of the month the row is for.
    pub month: NaiveDate,
    pub reported_by: String,
    /// The force whose area the row falls within (`Falls within`).
    pub falls_within: String,
    /// Longitude and latitude, both or neither.
    pub location: Option<(f64, f64)>,
    /// The street description, e.g. `On or near Church Terrace`.
    pub location_text: String,
    pub lsoa_code: String,
    pub lsoa_name: String,
    pub crime_type: String,
    /// Empty for anti-social behaviour.
    pub outcome: Option<String>,
}

/// Why one line of a file was refused. Line 1 is the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

impl RowError {
    pub fn new(line: u64, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Checks the header is exactly the twelve police.uk column names.
pub fn check_header<'a>(fields: impl IntoIterator<Item = &'a str>) -> Result<(), RowError> {
    let given: Vec<&str> = fields.into_iter().collect();
    // A UTF-8 byte order mark is not part of the first name.
    let first = given.first().map(|f| f.trim_start_matches('\u{feff}'));
    let matches = given.len() == POLICE_UK_COLUMNS.len()
        && first == Some(POLICE_UK_COLUMNS[0])
        && given[1..] == POLICE_UK_COLUMNS[1..];
    if matches {
        Ok(())
    } else {
        Err(RowError::new(
            1,
            format!(
                "the header is not a police.uk street-level header: expected {}",
                POLICE_UK_COLUMNS.join(",")
            ),
        ))
    }
}

/// One row of a street-level file, checked, borrowing the text of its line: what an
/// import reads, so that the rows it skips (most of a force's file lies outside the
/// partnership's districts) cost no copy of their fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoliceUkRecord<'a> {
    pub crime_id: Option<&'a str>,
    pub month: NaiveDate,
    pub reported_by: &'a str,
    pub falls_within: &'a str,
    pub location: Option<(f64, f64)>,
    pub location_text: &'a str,
    pub lsoa_code: &'a str,
    pub lsoa_name: &'a str,
    pub crime_type: &'a str,
    pub outcome: Option<&'a str>,
}

impl PoliceUkRecord<'_> {
    /// The same row, owning its text.
    pub fn to_row(&self) -> PoliceUkRow {
        PoliceUkRow {
            crime_id: self.crime_id.map(str::to_string),
            month: self.month,
            reported_by: self.reported_by.to_string(),
            falls_within: self.falls_within.to_string(),
            location: self.location,
            location_text: self.location_text.to_string(),
            lsoa_code: self.lsoa_code.to_string(),
            lsoa_name: self.lsoa_name.to_string(),
            crime_type: self.crime_type.to_string(),
            outcome: self.outcome.map(str::to_string),
        }
    }
}

/// Parses one record (the fields of one line) of a street-level file.
pub fn parse_row<'a>(
    line: u64,
    fields: impl IntoIterator<Item = &'a str>,
) -> Result<PoliceUkRow, RowError> {
    parse_record(line, fields).map(|record| record.to_row())
}

/// Parses one record of a street-level file without copying its fields: the same
/// checks as [`parse_row`], field for field.
pub fn parse_record<'a>(
    line: u64,
    fields: impl IntoIterator<Item = &'a str>,
) -> Result<PoliceUkRecord<'a>, RowError> {
    let mut given = [""; POLICE_UK_COLUMNS.len()];
    let mut count = 0;
    for field in fields {
        if let Some(slot) = given.get_mut(count) {
            *slot = field;
        }
        count += 1;
    }
    if count != POLICE_UK_COLUMNS.len() {
        return Err(RowError::new(
            line,
            format!(
                "expected {} columns, found {}",
                POLICE_UK_COLUMNS.len(),
                count
            ),
        ));
    }
    let fields = given;
    let text = |i: usize| fields[i].trim();
    let optional = |i: usize| Some(text(i)).filter(|t| !t.is_empty());
    let month = parse_month(fields[1].trim())
        .ok_or_else(|| RowError::new(line, format!("bad month '{}': use YYYY-MM", fields[1])))?;
    let coordinate = |i: usize, name: &str, limit: f64| -> Result<Option<f64>, RowError> {
        let raw = fields[i].trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<f64>() {
            Ok(value) if value.is_finite() && value.abs() <= limit => Ok(Some(value)),
            _ => Err(RowError::new(line, format!("bad {name} '{raw}'"))),
        }
    };
    let longitude = coordinate(4, "longitude", 180.0)?;
    let latitude = coordinate(5, "latitude", 90.0)?;
    let location = match (longitude, latitude) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        (None, None) => None,
        _ => {
            return Err(RowError::new(
                line,
                "longitude and latitude come as a pair: one is missing",
            ));
        }
    };
    Ok(PoliceUkRecord {
        crime_id: optional(0),
        month,
        reported_by: text(2),
        falls_within: text(3),
        location,
        location_text: text(6),
        lsoa_code: text(7),
        lsoa_name: text(8),
        crime_type: text(9),
        outcome: optional(10),
    })
}

/// `YYYY-MM` as the first day of that month.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// A first-of-month date as `YYYY-MM`.
pub fn format_month(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// The district an LSOA lies in, from its name's prefix (`Allerdale 001A` is in
/// Allerdale), as a district code (`allerdale`), when it is one of `prefixes`.
pub fn district_of(lsoa_name: &str, prefixes: &[&str]) -> Option<String> {
    district_index(lsoa_name, prefixes).map(|i| prefixes[i].to_lowercase())
}

/// Which of `prefixes` an LSOA's name starts with, as [`district_of`] reads it: for
/// an import, which names each district's code once rather than once a row.
pub fn district_index(lsoa_name: &str, prefixes: &[&str]) -> Option<usize> {
    let (prefix, rest) = lsoa_name.trim().rsplit_once(' ')?;
    if rest.is_empty() {
        return None;
    }
    prefixes.iter().position(|p| p.eq_ignore_ascii_case(prefix))
}

/// The aim of the 2012/13 plan (by aim key) that a police.uk crime type counts
/// towards, when one does.
///
/// Burglary maps to `crime-violent`: the plan has no burglary aim of its own, and the
/// Crime priority's action against burglary ("Aim to reduce crime and the fear of
/// crime, especially targeting burglary, and business crime",
/// `crime-burglary-business`) sits under the aim `crime-violent`.
pub fn aim_for_crime_type(crime_type: &str) -> Option<&'static str> {
    match crime_type {
        "Anti-social behaviour" => Some("asb-hotspots"),
        "Criminal damage and arson" => Some("asb-criminal-damage"),
        "Violence and sexual offences" => Some("crime-violent"),
        "Burglary" => Some("crime-violent"),
        _ => None,
    }
}

/// Importing open data (police.uk files) is for analysts and administrators.
pub fn may_import_open_data(actor: &Actor) -> bool {
    actor.has(Role::Analyst) || actor.has(Role::Admin)
}

/// The period of the same length just before `from..=to` (whole months).
pub fn previous_period(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = months_between(from, to) + 1;
    (add_months(from, -months), add_months(from, -1))
}

/// Whole months from `from` to `to` (0 when the same month).
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    use chrono::Datelike;
    (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32
}

/// The first of the month `delta` months after (or before) `month`'s month.
pub fn add_months(month: NaiveDate, delta: i32) -> NaiveDate {
    use chrono::Datelike;
    let index = month.year() * 12 + month.month0() as i32 + delta;
    let (year, month0) = (index.div_euclid(12), index.rem_euclid(12));
    NaiveDate::from_ymd_opt(year, month0 as u32 + 1, 1).unwrap_or(month)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use uuid::Uuid;

    use super::*;

    const ASB: [&str; 12] = [
        "",
        "2016-03",
        "Cumbria Constabulary",
        "Cumbria Constabulary",
        "-3.387460",
        "54.870080",
        "On or near Church Terrace",
        "E01019126",
        "Allerdale 001A",
        "Anti-social behaviour",
        "",
        "",
    ];

    fn with(index: usize, value: &'static str) -> Vec<&'static str> {
        let mut fields = ASB.to_vec();
        fields[index] = value;
        fields
    }

    fn date(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).expect("date")
    }

    #[test]
    fn a_good_asb_row_is_typed() {
        let row = parse_row(2, ASB).expect("good row");
        assert_eq!(row.crime_id, None);
        assert_eq!(row.month, date(2016, 3));
        assert_eq!(row.location, Some((-3.38746, 54.87008)));
        assert_eq!(row.lsoa_code, "E01019126");
        assert_eq!(row.lsoa_name, "Allerdale 001A");
        assert_eq!(row.crime_type, "Anti-social behaviour");
        assert_eq!(row.outcome, None);
        let crime = parse_row(3, with(0, "abc123")).expect("crime row");
        assert_eq!(crime.crime_id.as_deref(), Some("abc123"));
    }

    #[test]
    fn a_record_borrows_what_a_row_owns() {
        let record = parse_record(2, with(0, " abc123 ")).expect("good record");
        assert_eq!(record.crime_id, Some("abc123"));
        assert_eq!(record.lsoa_name, "Allerdale 001A");
        assert_eq!(record.outcome, None);
        assert_eq!(
            record.to_row(),
            parse_row(2, with(0, " abc123 ")).expect("row")
        );
        for bad in [with(1, "2016-13"), with(4, "west"), ASB[..11].to_vec()] {
            assert_eq!(
                parse_record(7, bad.clone()).expect_err("bad"),
                parse_row(7, bad).expect_err("bad")
            );
        }
    }

    #[test]
    fn a_row_without_location_is_kept_without_one() {
        let mut fields = ASB.to_vec();
        fields[4] = "";
        fields[5] = "";
        assert_eq!(parse_row(2, fields).expect("row").location, None);
    }

    #[test]
    fn wrong_column_counts_name_the_line() {
        let err = parse_row(100, ASB[..11].iter().copied()).expect_err("short");
        assert_eq!(err.line, 100);
        assert!(err.message.contains("expected 12 columns, found 11"));
        let mut long = ASB.to_vec();
        long.push("x");
        assert_eq!(parse_row(7, long).expect_err("long").line, 7);
    }

    #[test]
    fn bad_months_are_refused() {
        for bad in ["2016-3", "2016-13", "March 2016", "", "2016-03-01", "16-03"] {
            let err = parse_row(5, with(1, bad)).expect_err(bad);
            assert_eq!(err.line, 5);
            assert!(err.message.starts_with("bad month"), "{bad}: {err}");
        }
    }

    #[test]
    fn coordinates_must_parse_and_come_as_a_pair() {
        for (index, bad) in [(4, "west"), (5, "54,87"), (4, "NaN"), (5, "91.0")] {
            let err = parse_row(9, with(index, bad)).expect_err(bad);
            assert_eq!(err.line, 9);
            assert!(err.message.starts_with("bad l"), "{bad}: {err}");
        }
        let err = parse_row(9, with(4, "")).expect_err("half a pair");
        assert!(err.message.contains("pair"), "{err}");
    }

    #[test]
    fn the_header_must_be_exact_and_is_line_1() {
        assert_eq!(check_header(POLICE_UK_COLUMNS), Ok(()));
        let mut bom = POLICE_UK_COLUMNS.to_vec();
        bom[0] = "\u{feff}Crime ID";
        assert_eq!(check_header(bom), Ok(()));
        let mut renamed = POLICE_UK_COLUMNS.to_vec();
        renamed[9] = "Crime Type";
        assert_eq!(check_header(renamed).expect_err("renamed").line, 1);
        assert!(check_header(POLICE_UK_COLUMNS[..11].iter().copied()).is_err());
    }

    #[test]
    fn districts_come_from_the_name_prefix() {
        let ours = DEFAULT_DISTRICT_PREFIXES;
        assert_eq!(
            district_of("Allerdale 001A", &ours).as_deref(),
            Some("allerdale")
        );
        assert_eq!(
            district_of("Copeland 012C", &ours).as_deref(),
            Some("copeland")
        );
        assert_eq!(district_of("Carlisle 001A", &ours), None);
        assert_eq!(district_of("South Lakeland 003B", &ours), None);
        assert_eq!(district_of("", &ours), None);
        assert_eq!(district_of("Allerdale", &ours), None);
        assert_eq!(
            district_of("Carlisle 001A", &["Carlisle"]).as_deref(),
            Some("carlisle")
        );
        assert_eq!(district_index("copeland 012C", &ours), Some(1));
        assert_eq!(district_index("Carlisle 001A", &ours), None);
    }

    #[test]
    fn crime_types_map_to_the_plans_aims() {
        assert_eq!(
            aim_for_crime_type("Anti-social behaviour"),
            Some("asb-hotspots")
        );
        assert_eq!(
            aim_for_crime_type("Criminal damage and arson"),
            Some("asb-criminal-damage")
        );
        assert_eq!(
            aim_for_crime_type("Violence and sexual offences"),
            Some("crime-violent")
        );
        assert_eq!(aim_for_crime_type("Burglary"), Some("crime-violent"));
        assert_eq!(aim_for_crime_type("Shoplifting"), None);
        assert_eq!(aim_for_crime_type("anti-social behaviour"), None);
    }

    #[test]
    fn only_analysts_and_administrators_import() {
        let actor = |role: Role| Actor {
            user_id: Uuid::nil(),
            agency: "west-cumbria-csp".into(),
            roles: BTreeSet::from([role]),
        };
        assert!(may_import_open_data(&actor(Role::Analyst)));
        assert!(may_import_open_data(&actor(Role::Admin)));
        assert!(!may_import_open_data(&actor(Role::Officer)));
        assert!(!may_import_open_data(&actor(Role::Dpo)));
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        assert_eq!(
            previous_period(date(2016, 3), date(2016, 3)),
            (date(2016, 2), date(2016, 2))
        );
        assert_eq!(
            previous_period(date(2016, 1), date(2016, 3)),
            (date(2015, 10), date(2015, 12))
        );
        assert_eq!(add_months(date(2016, 12), 1), date(2017, 1));
        assert_eq!(months_between(date(2015, 11), date(2016, 2)), 3);
    }
}
