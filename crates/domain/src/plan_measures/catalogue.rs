//! The measure catalogue of a plan year: a TOML file next to the plan, checked whole
//! against the plan's aims before anything uses it.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::rules::CaseRule;
use crate::calendar::FinancialYear;
use crate::open_data::aim_for_crime_type;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Reduce,
    Increase,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Reduce => "reduce",
            Direction::Increase => "increase",
        }
    }
}

/// What a figure counts. A percentage is written 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Incidents,
    People,
    Casualties,
    Percent,
    Referrals,
    Loans,
    /// Recorded crimes (police.uk's rows of a crime type).
    Crimes,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Incidents => "incidents",
            Unit::People => "people",
            Unit::Casualties => "casualties",
            Unit::Percent => "percent",
            Unit::Referrals => "referrals",
            Unit::Loans => "loans",
            Unit::Crimes => "crimes",
        }
    }

    /// Whether a figure must be a whole number.
    pub fn is_count(self) -> bool {
        self != Unit::Percent
    }
}

/// Where a measure's quarterly figure comes from: a module's measure, computed from
/// the cases Casework holds, or a figure an officer enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// ASB incidents that happened in the quarter.
    AsbIncidents,
    /// ASB incidents both alcohol- and youth-related.
    AsbAlcoholYouth,
    /// ASB incidents of the criminal damage type.
    AsbCriminalDamage,
    /// ASB incidents of the deliberate fire type.
    AsbDeliberateFires,
    /// People who were repeat victims of ASB at the quarter's end (the ASB rule).
    AsbRepeatVictims,
    /// Open ASB cases whose latest risk assessment is Gold at the quarter's end
    /// (`super::gold`).
    AsbGoldVictims,
    /// Domestic abuse incidents in the quarter.
    DvIncidents,
    /// Victims whose first known incident fell in the quarter.
    DvFirstTimeVictims,
    /// Domestic abuse incidents in the quarter with an arrest.
    DvArrests,
    /// Share of the quarter's incidents whose victim had one in the months before.
    DvRepeatRate,
    /// Share of the IOM members who entered in the quarter who re-offended.
    IomReoffendingRate,
    /// Young people referred to Prevent & Deter in the quarter.
    PreventDeterReferred,
    /// Young people accepted onto the Prevent & Deter programme in the quarter.
    PreventDeterAccepted,
    /// police.uk street-level rows of "Anti-social behaviour" in the quarter's months.
    PoliceUkAsb,
    /// police.uk rows of "Criminal damage and arson".
    PoliceUkCriminalDamage,
    /// police.uk rows of "Violence and sexual offences".
    PoliceUkViolence,
    /// police.uk rows of "Burglary".
    PoliceUkBurglary,
    /// Typed in by an authorised officer, quarter by quarter.
    Entered,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::AsbIncidents => "asb-incidents",
            Source::AsbAlcoholYouth => "asb-alcohol-youth",
            Source::AsbCriminalDamage => "asb-criminal-damage",
            Source::AsbDeliberateFires => "asb-deliberate-fires",
            Source::AsbRepeatVictims => "asb-repeat-victims",
            Source::AsbGoldVictims => "asb-gold-victims",
            Source::DvIncidents => "dv-incidents",
            Source::DvFirstTimeVictims => "dv-first-time-victims",
            Source::DvArrests => "dv-arrests",
            Source::DvRepeatRate => "dv-repeat-rate",
            Source::IomReoffendingRate => "iom-reoffending-rate",
            Source::PreventDeterReferred => "prevent-deter-referred",
            Source::PreventDeterAccepted => "prevent-deter-accepted",
            Source::PoliceUkAsb => "police-uk-asb",
            Source::PoliceUkCriminalDamage => "police-uk-criminal-damage",
            Source::PoliceUkViolence => "police-uk-violence",
            Source::PoliceUkBurglary => "police-uk-burglary",
            Source::Entered => "entered",
        }
    }

    /// The police.uk sources, one per crime type the plan's aims take.
    pub const POLICE_UK: [Source; 4] = [
        Source::PoliceUkAsb,
        Source::PoliceUkCriminalDamage,
        Source::PoliceUkViolence,
        Source::PoliceUkBurglary,
    ];

    /// The police.uk crime type a source counts, exactly as police.uk writes it.
    pub fn police_uk_crime_type(self) -> Option<&'static str> {
        match self {
            Source::PoliceUkAsb => Some("Anti-social behaviour"),
            Source::PoliceUkCriminalDamage => Some("Criminal damage and arson"),
            Source::PoliceUkViolence => Some("Violence and sexual offences"),
            Source::PoliceUkBurglary => Some("Burglary"),
            _ => None,
        }
    }

    /// The unit the computation produces; an entered measure takes its file's.
    fn unit(self) -> Option<Unit> {
        match self {
            Source::AsbIncidents
            | Source::AsbAlcoholYouth
            | Source::AsbCriminalDamage
            | Source::AsbDeliberateFires
            | Source::DvIncidents
            | Source::DvArrests
            | Source::PoliceUkAsb => Some(Unit::Incidents),
            Source::AsbRepeatVictims | Source::AsbGoldVictims | Source::DvFirstTimeVictims => {
                Some(Unit::People)
            }
            Source::PoliceUkCriminalDamage
            | Source::PoliceUkViolence
            | Source::PoliceUkBurglary => Some(Unit::Crimes),
            Source::DvRepeatRate | Source::IomReoffendingRate => Some(Unit::Percent),
            Source::PreventDeterReferred | Source::PreventDeterAccepted => Some(Unit::Referrals),
            Source::Entered => None,
        }
    }
}

/// The figure a measure is compared with: for the whole partnership and, where known,
/// per district, for one quarter, with the period it was taken from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub value: f64,
    pub period: String,
    #[serde(default)]
    pub by_district: BTreeMap<String, f64>,
}

impl Baseline {
    /// The baseline for a district code, or for the whole partnership (`all`).
    pub fn for_district(&self, district: &str) -> Option<f64> {
        if district == super::ALL_DISTRICTS {
            Some(self.value)
        } else {
            self.by_district.get(district).copied()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDoc {
    pub key: String,
    /// The key of the aim in the plan.
    pub aim: String,
    pub name: String,
    pub definition: String,
    pub direction: Direction,
    pub unit: Unit,
    pub source: Source,
    #[serde(default)]
    pub baseline: Option<Baseline>,
}

/// An aim that cases serve by rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRuleDoc {
    pub aim: String,
    pub rule: CaseRule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub year: FinancialYear,
    #[serde(default)]
    pub measures: Vec<MeasureDoc>,
    #[serde(default)]
    pub case_rules: Vec<CaseRuleDoc>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CatalogueError {
    #[error("the measures file is not valid TOML: {0}")]
    Syntax(String),
    #[error("the measures file has problems: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

impl Catalogue {
    /// Parses and checks a measures file for the plan of `year` whose aims have
    /// `aim_keys`, naming every problem at once.
    pub fn parse(
        text: &str,
        year: FinancialYear,
        aim_keys: &HashSet<String>,
        districts: &HashSet<String>,
    ) -> Result<Self, CatalogueError> {
        let doc: Catalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.message().to_string()))?;
        let mut problems = Vec::new();
        if doc.year != year {
            problems.push(format!(
                "the file is for {} but the plan is for {year}",
                doc.year
            ));
        }
        let mut keys = HashSet::new();
        for m in &doc.measures {
            if m.key.is_empty()
                || !m
                    .key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                problems.push(format!(
                    "measure key '{}' must be lower-case letters, digits and hyphens",
                    m.key
                ));
            } else if !keys.insert(m.key.as_str()) {
                problems.push(format!("measure key '{}' is used twice", m.key));
            }
            if !aim_keys.contains(&m.aim) {
                problems.push(format!("measure '{}' names unknown aim '{}'", m.key, m.aim));
            }
            if m.name.trim().is_empty() || m.definition.trim().is_empty() {
                problems.push(format!("measure '{}' needs a name and a definition", m.key));
            }
            if let Some(unit) = m.source.unit()
                && unit != m.unit
            {
                problems.push(format!(
                    "measure '{}' is computed as {} but says its unit is {}",
                    m.key,
                    unit.as_str(),
                    m.unit.as_str()
                ));
            }
            // A police.uk count sits under the aim its crime type counts towards.
            if let Some(crime_type) = m.source.police_uk_crime_type()
                && aim_for_crime_type(crime_type) != Some(m.aim.as_str())
            {
                problems.push(format!(
                    "measure '{}' counts police.uk \"{crime_type}\", which counts towards {} and not '{}'",
                    m.key,
                    aim_for_crime_type(crime_type)
                        .map_or_else(|| "no aim".to_string(), |a| format!("aim '{a}'")),
                    m.aim
                ));
            }
            if let Some(b) = &m.baseline {
                if b.period.trim().is_empty() {
                    problems.push(format!(
                        "measure '{}' has a baseline without its period",
                        m.key
                    ));
                }
                for d in b.by_district.keys() {
                    if !districts.contains(d) {
                        problems.push(format!(
                            "measure '{}' has a baseline for unknown district '{d}'",
                            m.key
                        ));
                    }
                }
            }
        }
        for r in &doc.case_rules {
            if !aim_keys.contains(&r.aim) {
                problems.push(format!("case rule names unknown aim '{}'", r.aim));
            }
        }
        if problems.is_empty() {
            Ok(doc)
        } else {
            Err(CatalogueError::Invalid(problems))
        }
    }

    pub fn measure(&self, key: &str) -> Option<&MeasureDoc> {
        self.measures.iter().find(|m| m.key == key)
    }

    /// The measures of one aim, in the file's order.
    pub fn of_aim<'a>(&'a self, aim: &'a str) -> impl Iterator<Item = &'a MeasureDoc> + 'a {
        self.measures.iter().filter(move |m| m.aim == aim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const FILE: &str = r#"
year = "2012-13"
[[measures]]
key = "asb-rv"
aim = "asb-repeat-victimisation"
name = "Repeat victims"
definition = "People who were repeat victims at the quarter's end"
direction = "reduce"
unit = "people"
source = "asb-repeat-victims"
baseline = { value = 10, period = "2011/12", by_district = { allerdale = 6, copeland = 4 } }
[[measures]]
key = "ksi"
aim = "ksi-casualties"
name = "KSI casualties"
definition = "People killed or seriously injured on the roads"
direction = "reduce"
unit = "casualties"
source = "entered"
[[case_rules]]
aim = "asb-repeat-victimisation"
rule = "asb-repeat-victim"
"#;

    fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        Catalogue::parse(
            text,
            FinancialYear::starting(2012),
            &set(&["asb-repeat-victimisation", "ksi-casualties"]),
            &set(&["allerdale", "copeland"]),
        )
    }

    #[test]
    fn a_good_file_parses() {
        let c = parse(FILE).expect("valid");
        assert_eq!(c.measures.len(), 2);
        let rv = c.measure("asb-rv").expect("measure");
        assert_eq!(rv.source, Source::AsbRepeatVictims);
        let b = rv.baseline.as_ref().expect("baseline");
        assert_eq!(b.for_district("all"), Some(10.0));
        assert_eq!(b.for_district("copeland"), Some(4.0));
        assert_eq!(b.for_district("elsewhere"), None);
        assert_eq!(c.case_rules[0].rule, CaseRule::AsbRepeatVictim);
        assert_eq!(c.of_aim("ksi-casualties").count(), 1);
    }

    #[test]
    fn every_problem_is_named() {
        let text = FILE
            .replace("aim = \"ksi-casualties\"", "aim = \"nowhere\"")
            .replace("unit = \"people\"", "unit = \"percent\"")
            .replace("copeland = 4", "whitby = 4")
            .replace("key = \"ksi\"", "key = \"asb-rv\"");
        let Err(CatalogueError::Invalid(problems)) = parse(&text) else {
            panic!("should be refused");
        };
        let all = problems.join("\n");
        assert!(all.contains("unknown aim 'nowhere'"), "{all}");
        assert!(all.contains("computed as people"), "{all}");
        assert!(all.contains("unknown district 'whitby'"), "{all}");
        assert!(all.contains("used twice"), "{all}");
    }

    #[test]
    fn a_file_for_another_year_is_refused() {
        let err = parse(&FILE.replace("2012-13", "2013-14")).expect_err("wrong year");
        assert!(err.to_string().contains("for 2013-14"), "{err}");
    }

    /// A police.uk measure and the Gold victims measure, under `aim`.
    fn police_uk_file(source: &str, unit: &str, aim: &str) -> String {
        format!(
            r#"
year = "2012-13"
[[measures]]
key = "police-uk"
aim = "{aim}"
name = "Recorded crime"
definition = "police.uk rows of the crime type in the quarter's months"
direction = "reduce"
unit = "{unit}"
source = "{source}"
[[measures]]
key = "asb-gold"
aim = "asb-repeat-victimisation"
name = "Gold ASB victims"
definition = "Open ASB cases whose latest assessment is Gold at the quarter's end"
direction = "reduce"
unit = "people"
source = "asb-gold-victims"
"#
        )
    }

    fn parse_police_uk(text: &str) -> Result<Catalogue, CatalogueError> {
        Catalogue::parse(
            text,
            FinancialYear::starting(2012),
            &set(&[
                "asb-repeat-victimisation",
                "asb-hotspots",
                "asb-criminal-damage",
                "crime-violent",
            ]),
            &set(&["allerdale", "copeland"]),
        )
    }

    #[test]
    fn police_uk_measures_sit_under_their_crime_types_aim() {
        for (source, unit, aim) in [
            ("police-uk-asb", "incidents", "asb-hotspots"),
            ("police-uk-criminal-damage", "crimes", "asb-criminal-damage"),
            ("police-uk-violence", "crimes", "crime-violent"),
            ("police-uk-burglary", "crimes", "crime-violent"),
        ] {
            let c = parse_police_uk(&police_uk_file(source, unit, aim))
                .unwrap_or_else(|e| panic!("{source}: {e}"));
            let m = c.measure("police-uk").expect("measure");
            assert_eq!(m.source.as_str(), source);
            let crime_type = m.source.police_uk_crime_type().expect("crime type");
            assert_eq!(crate::open_data::aim_for_crime_type(crime_type), Some(aim));
            assert!(Source::POLICE_UK.contains(&m.source));
            assert_eq!(
                c.measure("asb-gold").expect("gold").source,
                Source::AsbGoldVictims
            );
        }
        assert_eq!(Source::AsbGoldVictims.police_uk_crime_type(), None);
        assert_eq!(Source::AsbCriminalDamage.police_uk_crime_type(), None);
    }

    #[test]
    fn a_police_uk_measure_under_the_wrong_aim_is_refused() {
        let text = police_uk_file("police-uk-burglary", "crimes", "asb-hotspots");
        let Err(CatalogueError::Invalid(problems)) = parse_police_uk(&text) else {
            panic!("burglary under the ASB hotspots aim should be refused");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains(
                "\"Burglary\", which counts towards aim 'crime-violent' and not 'asb-hotspots'"
            ),
            "{}",
            problems[0]
        );
        // An aim the plan does not have is named as unknown too.
        let text = police_uk_file("police-uk-asb", "incidents", "nowhere");
        let err = parse_police_uk(&text).expect_err("unknown aim");
        assert!(err.to_string().contains("unknown aim 'nowhere'"), "{err}");
        assert!(err.to_string().contains("and not 'nowhere'"), "{err}");
    }

    #[test]
    fn police_uk_crimes_are_counted_as_crimes() {
        let text = police_uk_file("police-uk-violence", "incidents", "crime-violent");
        let err = parse_police_uk(&text).expect_err("wrong unit");
        assert!(err.to_string().contains("computed as crimes"), "{err}");
        let text = police_uk_file("police-uk-asb", "crimes", "asb-hotspots");
        let err = parse_police_uk(&text).expect_err("wrong unit");
        assert!(err.to_string().contains("computed as incidents"), "{err}");
    }

    #[test]
    fn unknown_sources_are_syntax_errors() {
        let err = parse(&FILE.replace("asb-repeat-victims", "guesswork")).expect_err("bad");
        assert!(matches!(err, CatalogueError::Syntax(_)));
    }
}
