//! The numbers a partnership may change. Each has a default here and nowhere else; an
//! administrator's value is stored as reference data and read back through
//! [`Settings::from_pairs`].

use std::collections::BTreeMap;

use crate::FieldError;

/// One adjustable number, with its stored key, default, bounds and meaning.
#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub key: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
    pub meaning: &'static str,
}

macro_rules! settings {
    ($( $field:ident : $key:literal = $default:literal in $min:literal ..= $max:literal, $meaning:literal; )*) => {
        /// Every setting, with its current value.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Settings {
            $( pub $field: i64, )*
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { $( $field: $default, )* }
            }
        }

        impl Settings {
            pub const SPECS: &'static [SettingSpec] = &[
                $( SettingSpec { key: $key, default: $default, min: $min, max: $max, meaning: $meaning }, )*
            ];

            fn slot(&mut self, key: &str) -> Option<&mut i64> {
                match key {
                    $( $key => Some(&mut self.$field), )*
                    _ => None,
                }
            }

            /// The value of a setting by key.
            pub fn get(&self, key: &str) -> Option<i64> {
                match key {
                    $( $key => Some(self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

settings! {
    session_idle_minutes: "session.idle-minutes" = 30 in 1..=480,
        "Minutes without activity after which a signed-in session ends";
    session_absolute_hours: "session.absolute-hours" = 12 in 1..=24,
        "Hours after sign-in after which a session ends whatever the activity";
    lockout_failures: "sign-in.lockout-failures" = 10 in 3..=100,
        "Failed sign-ins for one account, within the window, that lock it";
    lockout_window_minutes: "sign-in.lockout-window-minutes" = 5 in 1..=1440,
        "Window, in minutes, in which failed sign-ins are counted";
    lockout_seconds: "sign-in.lockout-seconds" = 900 in 1..=86400,
        "How long, in seconds, a locked account stays locked";
    api_token_hours: "api.token-hours" = 8 in 1..=720,
        "Hours an API token lasts";
    asb_repeat_victim_incidents: "asb.repeat-victim-incidents" = 3 in 2..=20,
        "ASB incidents against one person, within the window, that make them a repeat victim";
    asb_repeat_victim_months: "asb.repeat-victim-months" = 12 in 1..=36,
        "Window, in calendar months up to today, in which a victim's ASB incidents are counted";
    asb_case_review_complaints: "asb.case-review-complaints" = 3 in 1..=20,
        "Complaints about ASB, within the window, that meet the ASB Case Review threshold";
    asb_case_review_months: "asb.case-review-months" = 6 in 1..=24,
        "Window, in calendar months up to today, in which complaints count for a Case Review";
    asb_case_review_acknowledge_days: "asb.case-review-acknowledge-working-days" = 10 in 1..=60,
        "Working days from a Case Review application to acknowledge it";
    asb_case_review_decide_days: "asb.case-review-decide-working-days" = 15 in 1..=60,
        "Working days from a Case Review application to decide whether it meets the threshold";
    asb_case_review_hold_days: "asb.case-review-hold-working-days" = 20 in 1..=90,
        "Working days from a Case Review application to hold the review";
    asb_victim_contact_hours: "asb.victim-contact-hours" = 24 in 1..=168,
        "Hours from a non-police report of ASB to the first contact with the victim";
    dv_dash_medium_from: "dv.dash-medium-from" = 10 in 1..=24,
        "DASH \"yes\" answers from which a domestic abuse victim is at medium risk";
    dv_dash_high_from: "dv.dash-high-from" = 14 in 1..=24,
        "DASH \"yes\" answers from which a victim is at high risk (visible high risk for MARAC)";
    dv_escalation_incidents: "dv.escalation-incidents" = 3 in 2..=20,
        "Domestic abuse incidents against one victim, in the window, that are potential escalation";
    dv_escalation_months: "dv.escalation-months" = 12 in 1..=36,
        "Window, in calendar months up to today, in which incidents count for potential escalation";
    dv_marac_repeat_months: "dv.marac-repeat-months" = 12 in 1..=36,
        "Calendar months after a victim's last MARAC referral in which an incident makes a repeat";
    dv_repeat_victimisation_months: "dv.repeat-victimisation-months" = 12 in 1..=36,
        "Calendar months before a domestic abuse incident in which another makes it a repeat";
    iom_reoffending_months: "iom.reoffending-months" = 12 in 1..=36,
        "Calendar months after entry to the IOM cohort in which a member's re-offending is counted";
    iom_proving_grace_months: "iom.proving-grace-months" = 6 in 0..=24,
        "Calendar months after a re-offending window in which its offences may still be proven";
    pd_min_age: "prevent-deter.min-age" = 8 in 1..=25,
        "Youngest age, on the referral date, at which a young person may be referred to Prevent & Deter";
    pd_max_age: "prevent-deter.max-age" = 17 in 1..=25,
        "Oldest age, on the referral date, at which a young person may be referred to Prevent & Deter";
    pd_risk_factor_bar: "prevent-deter.risk-factor-bar" = 4 in 0..=12,
        "Risk factors usually needed for a Prevent & Deter referral (fewer needs a reason)";
    referral_decision_working_days: "referrals.decision-working-days" = 5 in 1..=60,
        "Working days after a referral by which the receiving agency should accept or reject it";
    lmaps_access_window_days: "lmaps.access-window-days" = 14 in 0..=90,
        "Days after an LMAPS meeting during which its invited agencies may still read the agenda's cases";
    plan_status_tolerance_percent: "plan.status-tolerance-percent" = 5 in 0..=50,
        "Per cent either side of a measure's baseline within which its status is \"no change\"";
}

impl Settings {
    /// Reads stored `(key, value)` pairs over the defaults. Unknown keys are ignored
    /// (a newer version may have written them); values out of range are refused.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Settings, Vec<FieldError>> {
        let mut settings = Settings::default();
        let mut errors = Vec::new();
        for (key, value) in pairs {
            if let Err(e) = settings.set(key, value)
                && Settings::spec(key).is_some()
            {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }

    pub fn spec(key: &str) -> Option<&'static SettingSpec> {
        Settings::SPECS.iter().find(|s| s.key == key)
    }

    /// Changes one setting, checking it is a whole number within its bounds.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        let spec =
            Settings::spec(key).ok_or_else(|| FieldError::new(key, "There is no such setting."))?;
        let number: i64 = value
            .trim()
            .parse()
            .map_err(|_| FieldError::new(key, "Enter a whole number."))?;
        if number < spec.min || number > spec.max {
            return Err(FieldError::new(
                key,
                format!("Enter a number from {} to {}.", spec.min, spec.max),
            ));
        }
        if let Some(slot) = self.slot(key) {
            *slot = number;
        }
        Ok(())
    }

    /// Every setting as `(key, value)`, in a stable order.
    pub fn pairs(&self) -> BTreeMap<&'static str, i64> {
        Settings::SPECS
            .iter()
            .filter_map(|s| self.get(s.key).map(|v| (s.key, v)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_partnerships_numbers() {
        let s = Settings::default();
        assert_eq!((s.session_idle_minutes, s.session_absolute_hours), (30, 12));
        assert_eq!(
            (
                s.lockout_failures,
                s.lockout_window_minutes,
                s.lockout_seconds
            ),
            (10, 5, 900)
        );
        assert_eq!(s.api_token_hours, 8);
    }

    #[test]
    fn stored_values_override_and_are_checked() {
        let s = Settings::from_pairs([("sign-in.lockout-seconds", "2"), ("future.key", "x")])
            .expect("valid");
        assert_eq!(s.lockout_seconds, 2);
        let errors =
            Settings::from_pairs([("session.idle-minutes", "0"), ("api.token-hours", "abc")])
                .expect_err("invalid");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, "session.idle-minutes");
    }

    #[test]
    fn bounds_are_inclusive() {
        let mut s = Settings::default();
        assert!(s.set("session.idle-minutes", "1").is_ok());
        assert!(s.set("session.idle-minutes", "480").is_ok());
        assert!(s.set("session.idle-minutes", "481").is_err());
    }
}
