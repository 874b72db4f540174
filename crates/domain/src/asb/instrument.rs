//! The victim risk assessment instrument as data: its questions, weights, tier
//! cut-offs and the answers that make Gold on their own live in a versioned file
//! (`reference/instruments/asb-risk-v1.toml`), so the partnership can change them by
//! issuing a new version without a new release of the rules.

use std::collections::HashSet;

use serde::Deserialize;

/// One yes/no question. The key is stored with every answer and never reused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub text: String,
    pub weight: u32,
}

/// A checked instrument: keys unique, weights 1 to 3, `0 < silver_from < gold_from <=
/// the most anyone can score`, and every gold-on-its-own key a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsbInstrument {
    version: u32,
    title: String,
    questions: Vec<Question>,
    silver_from: u32,
    gold_from: u32,
    gold_on_its_own: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentDoc {
    version: u32,
    title: String,
    tiers: TiersDoc,
    questions: Vec<Question>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TiersDoc {
    silver_from: u32,
    gold_from: u32,
    #[serde(default)]
    gold_on_its_own: Vec<String>,
}

/// Weights run from 1 (makes things harder) to 3 (a serious concern on its own).
const WEIGHTS: std::ops::RangeInclusive<u32> = 1..=3;

impl AsbInstrument {
    /// Reads and checks an instrument file, naming every problem at once.
    pub fn parse(text: &str) -> Result<AsbInstrument, String> {
        let doc: InstrumentDoc = toml::from_str(text)
            .map_err(|e| format!("the instrument is not valid TOML: {}", e.message()))?;
        let mut problems = Vec::new();
        if doc.version == 0 {
            problems.push("the version must be 1 or more".to_string());
        }
        if doc.title.trim().is_empty() {
            problems.push("the instrument needs a title".to_string());
        }
        if doc.questions.is_empty() {
            problems.push("the instrument has no questions".to_string());
        }
        let mut keys = HashSet::new();
        for q in &doc.questions {
            if !is_key(&q.key) {
                problems.push(format!(
                    "question key '{}' must be lower-case letters, digits and hyphens",
                    q.key
                ));
            }
            if !keys.insert(q.key.as_str()) {
                problems.push(format!("question key '{}' is used twice", q.key));
            }
            if q.text.trim().is_empty() {
                problems.push(format!("question '{}' has no text", q.key));
            }
            if !WEIGHTS.contains(&q.weight) {
                problems.push(format!(
                    "question '{}' has weight {}: weights run from 1 to 3",
                    q.key, q.weight
                ));
            }
        }
        let most = doc.questions.iter().map(|q| q.weight).sum::<u32>();
        let tiers = &doc.tiers;
        if tiers.silver_from == 0 || tiers.silver_from >= tiers.gold_from {
            problems.push(format!(
                "the cut-offs must rise: 0 < silver_from ({}) < gold_from ({})",
                tiers.silver_from, tiers.gold_from
            ));
        }
        if tiers.gold_from > most {
            problems.push(format!(
                "gold_from ({}) is more than the most anyone can score ({most})",
                tiers.gold_from
            ));
        }
        let mut gold_keys = HashSet::new();
        for key in &tiers.gold_on_its_own {
            if !keys.contains(key.as_str()) {
                problems.push(format!(
                    "gold_on_its_own names '{key}', which is not a question"
                ));
            }
            if !gold_keys.insert(key.as_str()) {
                problems.push(format!("gold_on_its_own names '{key}' twice"));
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(AsbInstrument {
            version: doc.version,
            title: doc.title.trim().to_string(),
            questions: doc.questions,
            silver_from: doc.tiers.silver_from,
            gold_from: doc.tiers.gold_from,
            gold_on_its_own: doc.tiers.gold_on_its_own,
        })
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    /// In the order they are asked.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    /// The lowest score that is Silver.
    pub fn silver_from(&self) -> u32 {
        self.silver_from
    }

    /// The lowest score that is Gold.
    pub fn gold_from(&self) -> u32 {
        self.gold_from
    }

    /// Questions a "yes" to which makes the tier Gold whatever the score.
    pub fn gold_on_its_own(&self) -> &[String] {
        &self.gold_on_its_own
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const V1: &str = include_str!("../../../../reference/instruments/asb-risk-v1.toml");

    pub(crate) fn v1() -> AsbInstrument {
        AsbInstrument::parse(V1).expect("the shipped instrument is valid")
    }

    fn small(tiers: &str, questions: &str) -> Result<AsbInstrument, String> {
        AsbInstrument::parse(&format!(
            "version = 1\ntitle = \"Test\"\n[tiers]\n{tiers}\n{questions}"
        ))
    }

    const TWO: &str = r#"
[[questions]]
key = "a"
text = "A?"
weight = 3
[[questions]]
key = "b"
text = "B?"
weight = 2
"#;

    #[test]
    fn the_shipped_instrument_covers_the_partnerships_questions() {
        let instrument = v1();
        assert_eq!(instrument.version(), 1);
        assert_eq!(instrument.questions().len(), 15);
        assert_eq!((instrument.silver_from(), instrument.gold_from()), (6, 14));
        assert_eq!(
            instrument.gold_on_its_own(),
            ["threats-or-violence", "self-harm"]
        );
        let most: u32 = instrument.questions().iter().map(|q| q.weight).sum();
        assert_eq!(most, 29, "the file's comment says 29");
        assert_eq!(
            instrument.question("afraid-at-home").map(|q| q.weight),
            Some(3)
        );
        assert!(instrument.question("no-such-question").is_none());
    }

    #[test]
    fn a_small_instrument_parses() {
        let instrument = small(
            "silver_from = 2\ngold_from = 5\ngold_on_its_own = [\"a\"]",
            TWO,
        )
        .expect("valid");
        assert_eq!(instrument.title(), "Test");
        assert_eq!(instrument.questions()[1].key, "b");
    }

    #[test]
    fn every_problem_is_named() {
        let questions = r#"
[[questions]]
key = "a"
text = " "
weight = 4
[[questions]]
key = "a"
text = "Again?"
weight = 0
[[questions]]
key = "Bad Key"
text = "?"
weight = 1
"#;
        let err = small(
            "silver_from = 2\ngold_from = 5\ngold_on_its_own = [\"c\", \"a\", \"a\"]",
            questions,
        )
        .expect_err("invalid");
        for expected in [
            "question 'a' has no text",
            "question 'a' has weight 4",
            "question key 'a' is used twice",
            "question 'a' has weight 0",
            "question key 'Bad Key' must be",
            "names 'c', which is not a question",
            "names 'a' twice",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in {err}");
        }
    }

    #[test]
    fn cut_offs_must_rise_and_be_reachable() {
        let err = small("silver_from = 5\ngold_from = 5", TWO).expect_err("equal");
        assert!(err.contains("the cut-offs must rise"), "{err}");
        let err = small("silver_from = 0\ngold_from = 5", TWO).expect_err("zero");
        assert!(err.contains("the cut-offs must rise"), "{err}");
        let err = small("silver_from = 2\ngold_from = 6", TWO).expect_err("unreachable");
        assert!(
            err.contains("more than the most anyone can score (5)"),
            "{err}"
        );
        assert!(small("silver_from = 4\ngold_from = 5", TWO).is_ok());
    }

    #[test]
    fn unknown_fields_and_bad_toml_are_refused() {
        let err = small("silver_from = 2\ngold_from = 5\nbronze_from = 0", TWO)
            .expect_err("unknown field");
        assert!(err.contains("bronze_from"), "{err}");
        assert!(AsbInstrument::parse("version = ").is_err());
        let err = AsbInstrument::parse(
            "version = 0\ntitle = \"\"\nquestions = []\n[tiers]\nsilver_from = 1\ngold_from = 2",
        )
        .expect_err("empty");
        assert!(err.contains("version must be 1 or more"), "{err}");
        assert!(err.contains("needs a title"), "{err}");
        assert!(err.contains("has no questions"), "{err}");
    }
}
