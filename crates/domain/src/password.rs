//! What makes a password acceptable: long enough, not too long to hash, and not weak
//! or common. No composition rules (NCSC and NIST advice): length and unpredictability.

use crate::FieldError;

pub const MIN_LENGTH: usize = 12;
/// Long passphrases are welcome; the cap only bounds the hashing work per request.
pub const MAX_LENGTH: usize = 256;

/// Checks a new password. `context` holds words a guesser would try first (the
/// username, the person's name, the service's name).
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(FieldError::new(
            "password",
            format!(
                "Use at least {MIN_LENGTH} characters; a few unrelated words make a good password."
            ),
        ));
    }
    if length > MAX_LENGTH {
        return Err(FieldError::new(
            "password",
            format!("Use at most {MAX_LENGTH} characters."),
        ));
    }
    let mut inputs: Vec<&str> = context.to_vec();
    inputs.extend(["casework", "cumbria", "partnership"]);
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if (estimate.score() as u8) < 3 {
        let reason = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "This password would be easy to guess.".to_string());
        return Err(FieldError::new(
            "password",
            format!("{reason} Try a longer phrase of unrelated words."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_short_is_refused_at_eleven_and_twelve_is_judged_on_strength() {
        assert!(check_new_password("qv7#Lm2!pZ4", &[]).is_err());
        assert!(check_new_password("qv7#Lm2!pZ4x", &[]).is_ok());
    }

    #[test]
    fn long_passphrases_are_accepted_up_to_the_cap() {
        let phrase = "correct horse battery staple on the moss bay road ".repeat(2);
        assert!(check_new_password(&phrase, &[]).is_ok());
        let long = "kettle-harbour-lantern-".repeat(11);
        assert!(long.chars().count() > 128 && long.chars().count() <= MAX_LENGTH);
        assert!(check_new_password(&long, &[]).is_ok());
        assert!(check_new_password(&"x".repeat(MAX_LENGTH + 1), &[]).is_err());
    }

    #[test]
    fn common_and_personal_passwords_are_refused_with_a_reason() {
        let err = check_new_password("password1234", &[]).expect_err("common");
        assert_eq!(err.field, "password");
        assert!(err.message.len() > 20, "{}", err.message);
        assert!(check_new_password("aaaaaaaaaaaaaaaa", &[]).is_err());
        assert!(check_new_password("jsmith12345678", &["jsmith"]).is_err());
    }
}
