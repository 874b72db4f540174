//! People: one record shared by every module. Names are matched the way an officer
//! types them: any case, with or without accents, in part.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::FieldError;

/// A name folded for matching: lower case, accents and apostrophes dropped, other
/// punctuation to spaces, single spaces. "Zoë O'Brien-Smith" folds to
/// "zoe obrien smith", so "obrien" finds it.
pub fn fold_name(name: &str) -> String {
    let folded: String = name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '`'))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a search, folded; each must appear in the person's folded name.
pub fn search_terms(query: &str) -> Vec<String> {
    fold_name(query)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A person as typed on a form, checked whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Option<NaiveDate>,
    pub address: Option<String>,
    pub ward: Option<String>,
}

impl PersonDetails {
    /// Checks the fields that need no database; `today` bounds the date of birth.
    pub fn parse(
        forename: &str,
        surname: &str,
        date_of_birth: Option<&str>,
        address: Option<&str>,
        ward: Option<&str>,
        today: NaiveDate,
    ) -> Result<PersonDetails, Vec<FieldError>> {
        let mut errors = Vec::new();
        let forename = forename.trim();
        let surname = surname.trim();
        if forename.is_empty() {
            errors.push(FieldError::new(
                "forename",
                "Enter a forename (or \"Unknown\").",
            ));
        }
        if surname.is_empty() {
            errors.push(FieldError::new("surname", "Enter a surname."));
        }
        for (field, value) in [("forename", forename), ("surname", surname)] {
            if value.chars().count() > 100 {
                errors.push(FieldError::new(field, "Use at most 100 characters."));
            }
        }
        let date_of_birth = match date_of_birth.map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) if date > today => {
                    errors.push(FieldError::new(
                        "date_of_birth",
                        "The date of birth is in the future.",
                    ));
                    None
                }
                Ok(date) if today.years_since(date).is_some_and(|y| y > 120) => {
                    errors.push(FieldError::new(
                        "date_of_birth",
                        "The date of birth is more than 120 years ago.",
                    ));
                    None
                }
                Ok(date) => Some(date),
                Err(_) => {
                    errors.push(FieldError::new(
                        "date_of_birth",
                        "Enter a real date, like 2001-03-27.",
                    ));
                    None
                }
            },
        };
        let address = address
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        if address.as_ref().is_some_and(|a| a.chars().count() > 300) {
            errors.push(FieldError::new("address", "Use at most 300 characters."));
        }
        let ward = ward
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_string);
        if errors.is_empty() {
            Ok(PersonDetails {
                forename: forename.to_string(),
                surname: surname.to_string(),
                date_of_birth,
                address,
                ward,
            })
        } else {
            Err(errors)
        }
    }

    pub fn folded_name(&self) -> String {
        fold_name(&format!("{} {}", self.forename, self.surname))
    }
}

/// What is known of an existing person, for duplicate checks.
#[derive(Debug, Clone)]
pub struct KnownPerson {
    pub folded_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub address: Option<String>,
}

/// Why a new person may be someone already on record: the same name and date of
/// birth, or a similar name at the same address. Never merged automatically: the
/// officer confirms or links.
pub fn possible_duplicate(new: &PersonDetails, known: &KnownPerson) -> bool {
    let name = new.folded_name();
    let same_name = name == known.folded_name;
    let same_birth = new.date_of_birth.is_some() && new.date_of_birth == known.date_of_birth;
    let same_address = match (&new.address, &known.address) {
        (Some(a), Some(b)) => fold_name(a) == fold_name(b),
        _ => false,
    };
    (same_name && same_birth) || (same_address && similar_names(&name, &known.folded_name))
}

/// Names that differ by at most two edits overall, or share a surname (last word) and
/// the first letter of the forename ("Jon Smith" and "John Smith"; "J Smith").
fn similar_names(a: &str, b: &str) -> bool {
    if edit_distance(a, b) <= 2 {
        return true;
    }
    let (a_first, a_last) = (a.chars().next(), a.rsplit(' ').next());
    let (b_first, b_last) = (b.chars().next(), b.rsplit(' ').next());
    a_first == b_first && a_last == b_last
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2012, 6, 1).expect("date")
    }

    fn details(fore: &str, sur: &str, dob: Option<&str>, address: Option<&str>) -> PersonDetails {
        PersonDetails::parse(fore, sur, dob, address, None, today()).expect("valid")
    }

    #[test]
    fn names_fold_for_matching() {
        assert_eq!(fold_name("Zoë  O'Brien-Smith"), "zoe obrien smith");
        assert_eq!(fold_name("O\u{2019}Neill"), "oneill");
        assert_eq!(fold_name("ÉLODIE"), "elodie");
        assert_eq!(search_terms(" zoe  brien "), vec!["zoe", "brien"]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = PersonDetails::parse(" ", "", Some("2013-01-01"), None, None, today())
            .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["forename", "surname", "date_of_birth"]);
        let errors = PersonDetails::parse("A", "B", Some("31/12/2000"), None, None, today())
            .expect_err("invalid");
        assert_eq!(errors[0].field, "date_of_birth");
    }

    #[test]
    fn born_today_is_fine() {
        assert!(PersonDetails::parse("A", "B", Some("2012-06-01"), None, None, today()).is_ok());
    }

    #[test]
    fn duplicates_by_name_and_birth_or_similar_name_and_address() {
        let known = KnownPerson {
            folded_name: "john smith".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 4),
            address: Some("12 Harbour View, Whitehaven".into()),
        };
        assert!(possible_duplicate(
            &details("JOHN", "Smith", Some("1990-05-04"), None),
            &known
        ));
        assert!(!possible_duplicate(
            &details("John", "Smith", Some("1990-05-05"), None),
            &known
        ));
        assert!(!possible_duplicate(
            &details("John", "Smith", None, None),
            &known
        ));
        assert!(possible_duplicate(
            &details("Jon", "Smith", None, Some("12 harbour view,  whitehaven")),
            &known
        ));
        assert!(possible_duplicate(
            &details("J", "Smith", None, Some("12 Harbour View, Whitehaven")),
            &known
        ));
        assert!(!possible_duplicate(
            &details("Mary", "Jones", None, Some("12 Harbour View, Whitehaven")),
            &known
        ));
    }
}
