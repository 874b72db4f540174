//! The young person's age on the day of referral: 8 to 17 *(settings
//! `prevent-deter.min-age`, `prevent-deter.max-age`)*. A person born on 29 February
//! has their birthday on 1 March in other years, as in English law.

use chrono::{Datelike, NaiveDate};

use crate::FieldError;

/// Whole years from `born` to `on`; `None` when `on` is before `born`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> Option<u32> {
    if on < born {
        return None;
    }
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// The young person's age on the referral day, if it is within the programme's ages
/// (both inclusive: from the 8th birthday to the day before the 18th by default).
pub fn check_age(
    born: Option<NaiveDate>,
    referred_on: NaiveDate,
    min_age: i64,
    max_age: i64,
) -> Result<u32, FieldError> {
    let Some(born) = born else {
        return Err(FieldError::new(
            "person_id",
            "Record the young person's date of birth first: their age on the referral \
             date decides whether Prevent & Deter can take them.",
        ));
    };
    let age = age_on(born, referred_on).ok_or_else(|| {
        FieldError::new(
            "referred_on",
            "The referral date is before the young person was born.",
        )
    })?;
    if i64::from(age) < min_age || i64::from(age) > max_age {
        return Err(FieldError::new(
            "person_id",
            format!(
                "Prevent & Deter is for young people aged {min_age} to {max_age} on the \
                 referral date; they were {age}."
            ),
        ));
    }
    Ok(age)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_eighth_birthday_is_the_first_day_of_eligibility() {
        let born = d(2004, 6, 15);
        assert!(check_age(Some(born), d(2012, 6, 14), 8, 17).is_err());
        assert_eq!(check_age(Some(born), d(2012, 6, 15), 8, 17), Ok(8));
    }

    #[test]
    fn the_eighteenth_birthday_is_the_first_day_out() {
        let born = d(1994, 6, 15);
        assert_eq!(check_age(Some(born), d(2012, 6, 14), 8, 17), Ok(17));
        let refused = check_age(Some(born), d(2012, 6, 15), 8, 17).expect_err("18");
        assert_eq!(refused.field, "person_id");
        assert!(
            refused.message.contains("aged 8 to 17"),
            "{}",
            refused.message
        );
        assert!(
            refused.message.contains("they were 18"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn a_leap_day_birthday_falls_on_the_first_of_march() {
        let born = d(1996, 2, 29);
        assert_eq!(age_on(born, d(2014, 2, 28)), Some(17));
        assert_eq!(age_on(born, d(2014, 3, 1)), Some(18));
        assert_eq!(age_on(born, d(2012, 2, 29)), Some(16));
    }

    #[test]
    fn the_ages_are_settings() {
        let born = d(2002, 1, 1);
        assert!(check_age(Some(born), d(2012, 6, 1), 8, 17).is_ok());
        assert!(check_age(Some(born), d(2012, 6, 1), 11, 17).is_err());
    }

    #[test]
    fn without_a_date_of_birth_the_age_cannot_be_checked() {
        assert_eq!(
            check_age(None, d(2012, 6, 1), 8, 17)
                .expect_err("no dob")
                .field,
            "person_id"
        );
        assert_eq!(
            check_age(Some(d(2013, 1, 1)), d(2012, 6, 1), 8, 17)
                .expect_err("unborn")
                .field,
            "referred_on"
        );
    }
}
