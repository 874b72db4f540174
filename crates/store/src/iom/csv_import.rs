//! Reading an offences CSV (`casework import offences FILE`): every row is checked
//! by `casework_domain::iom::Offence::parse`, and every bad field of every row is
//! reported with its line, so a file is fixed in one go. Columns, by header name in
//! any order: `person_id`, `committed_on`, `proven_on`, `outcome`, `category`,
//! `harm_weight` (see docs/iom.md).

use std::collections::HashSet;
use std::io::Read;

use casework_domain::iom::{Offence, OffenceInput};
use chrono::NaiveDate;
use uuid::Uuid;

use super::ImportedOffence;

pub const COLUMNS: [&str; 6] = [
    "person_id",
    "committed_on",
    "proven_on",
    "outcome",
    "category",
    "harm_weight",
];

/// One bad field of one row: the file's line number (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

/// What a file holds: its rows, checked, each with its line, and what is wrong.
#[derive(Debug, Default)]
pub struct OffencesCheck {
    pub rows: Vec<(u64, ImportedOffence)>,
    pub errors: Vec<RowError>,
}

impl OffencesCheck {
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// The people the rows name.
    pub fn people(&self) -> HashSet<Uuid> {
        self.rows.iter().map(|(_, r)| r.person_id).collect()
    }

    /// Names each row whose person is not on record.
    pub fn refuse_unknown_people(&mut self, known: &HashSet<Uuid>) {
        for (line, row) in &self.rows {
            if !known.contains(&row.person_id) {
                self.errors.push(RowError {
                    line: *line,
                    field: "person_id".into(),
                    message: format!("there is no person {}", row.person_id),
                });
            }
        }
        self.errors.sort_by_key(|e| e.line);
    }
}

/// Checks a whole file; `today` bounds the dates.
pub fn check_offences_csv<R: Read>(source: R, today: NaiveDate) -> OffencesCheck {
    let mut check = OffencesCheck::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(source);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            check.errors.push(RowError {
                line: 1,
                field: "header".into(),
                message: e.to_string(),
            });
            return check;
        }
    };
    let position = |name: &str| headers.iter().position(|h| h == name);
    let mut at = [0usize; 6];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        match position(name) {
            Some(i) => *slot = i,
            None => check.errors.push(RowError {
                line: 1,
                field: name.into(),
                message: "the column is missing from the header".into(),
            }),
        }
    }
    if !check.errors.is_empty() {
        return check;
    }
    for (index, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position().map(|p| p.line()))
            .unwrap_or(index as u64 + 2);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                check.errors.push(RowError {
                    line,
                    field: "row".into(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let cell = |i: usize| record.get(at[i]).unwrap_or("");
        let mut bad = Vec::new();
        let person = match Uuid::parse_str(cell(0)) {
            Ok(id) => Some(id),
            Err(_) => {
                bad.push(("person_id".to_string(), "enter the person's id".to_string()));
                None
            }
        };
        let input = OffenceInput {
            committed_on: cell(1),
            proven_on: cell(2),
            outcome: cell(3),
            category: cell(4),
            harm_weight: cell(5),
        };
        let offence = match Offence::parse(&input, today) {
            Ok(o) => Some(o),
            Err(errors) => {
                bad.extend(errors.into_iter().map(|e| (e.field, e.message)));
                None
            }
        };
        match (person, offence) {
            (Some(person_id), Some(offence)) => {
                check
                    .rows
                    .push((line, ImportedOffence { person_id, offence }));
            }
            _ => check
                .errors
                .extend(bad.into_iter().map(|(field, message)| RowError {
                    line,
                    field,
                    message,
                })),
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn every_bad_field_of_every_row_is_named_with_its_line() {
        let a = Uuid::from_u128(1);
        let file = format!(
            "category,person_id,committed_on,proven_on,outcome,harm_weight\n\
             theft,{a},2012-06-01,2012-07-01,conviction,2\n\
             ,{a},2012-06-31,,fine,\n\
             theft,nobody,2012-06-01,2012-05-01,caution,x\n"
        );
        let check = check_offences_csv(file.as_bytes(), d(2013, 1, 1));
        assert_eq!(check.rows.len(), 1);
        let named: Vec<(u64, &str)> = check
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (3, "committed_on"),
                (3, "outcome"),
                (3, "category"),
                (4, "person_id"),
                (4, "proven_on"),
                (4, "harm_weight"),
            ]
        );
    }

    #[test]
    fn a_missing_column_is_named_and_unknown_people_are_refused() {
        let check = check_offences_csv("person_id,committed_on\n".as_bytes(), d(2013, 1, 1));
        assert!(
            check
                .errors
                .iter()
                .any(|e| e.line == 1 && e.field == "outcome")
        );
        let a = Uuid::from_u128(7);
        let file = format!(
            "person_id,committed_on,proven_on,outcome,category,harm_weight\n\
             {a},2012-06-01,,caution,theft,\n"
        );
        let mut check = check_offences_csv(file.as_bytes(), d(2013, 1, 1));
        assert!(check.is_clean());
        check.refuse_unknown_people(&HashSet::new());
        assert_eq!(check.errors[0].line, 2);
        assert_eq!(check.errors[0].field, "person_id");
    }
}
