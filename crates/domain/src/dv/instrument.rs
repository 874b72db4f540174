//! The DASH risk checklist as data: its questions and their groups live in a versioned
//! file (`reference/instruments/dash-v1.toml`), so the partnership can reword or add a
//! question by issuing a new version, without a new release of the rules. The
//! cut-offs are settings (`dv.dash-*`), not part of the file: national guidance moves
//! them independently of the wording.

use std::collections::HashSet;

use serde::Deserialize;

/// One question, answered yes, no or not known. The key is stored with every answer
/// and never reused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashQuestion {
    pub key: String,
    pub text: String,
    /// The heading it sits under on the one-page form, if any.
    #[serde(default)]
    pub group: Option<String>,
}

/// Consecutive questions under one heading (or none), in the order they are asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionGroup<'a> {
    pub title: Option<&'a str>,
    pub questions: Vec<&'a DashQuestion>,
}

/// A checked instrument: a version of 1 or more, a title, at least one question, keys
/// unique and kebab-case, every text and group written, and each group's questions
/// together (so the grouped form asks them in the file's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashInstrument {
    version: u32,
    title: String,
    questions: Vec<DashQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentDoc {
    version: u32,
    title: String,
    questions: Vec<DashQuestion>,
}

impl DashInstrument {
    /// Reads and checks an instrument file, naming every problem at once.
    pub fn parse(text: &str) -> Result<DashInstrument, String> {
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
        let mut closed_groups: HashSet<&str> = HashSet::new();
        let mut current_group: Option<&str> = None;
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
            let group = q.group.as_deref().map(str::trim);
            if group == Some("") {
                problems.push(format!("question '{}' has an empty group", q.key));
            }
            if group != current_group {
                if let Some(g) = group
                    && closed_groups.contains(g)
                {
                    problems.push(format!(
                        "question '{}' is in group '{g}', whose questions must sit together",
                        q.key
                    ));
                }
                if let Some(done) = current_group {
                    closed_groups.insert(done);
                }
                current_group = group;
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let questions = doc
            .questions
            .into_iter()
            .map(|q| DashQuestion {
                group: q.group.map(|g| g.trim().to_string()),
                ..q
            })
            .collect();
        Ok(DashInstrument {
            version: doc.version,
            title: doc.title.trim().to_string(),
            questions,
        })
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    /// In the order they are asked.
    pub fn questions(&self) -> &[DashQuestion] {
        &self.questions
    }

    pub fn question(&self, key: &str) -> Option<&DashQuestion> {
        self.questions.iter().find(|q| q.key == key)
    }

    /// The questions under their headings, for the one-page form.
    pub fn groups(&self) -> Vec<QuestionGroup<'_>> {
        let mut groups: Vec<QuestionGroup<'_>> = Vec::new();
        for q in &self.questions {
            let title = q.group.as_deref();
            match groups.last_mut() {
                Some(last) if last.title == title => last.questions.push(q),
                _ => groups.push(QuestionGroup {
                    title,
                    questions: vec![q],
                }),
            }
        }
        groups
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

    pub(crate) const V1: &str = include_str!("../../../../reference/instruments/dash-v1.toml");

    pub(crate) fn v1() -> DashInstrument {
        DashInstrument::parse(V1).expect("the shipped instrument is valid")
    }

    fn questions(body: &str) -> Result<DashInstrument, String> {
        DashInstrument::parse(&format!("version = 1\ntitle = \"Test\"\n{body}"))
    }

    #[test]
    fn the_shipped_checklist_has_24_questions_in_four_groups() {
        let instrument = v1();
        assert_eq!(instrument.version(), 1);
        assert_eq!(instrument.title(), "Domestic abuse risk checklist (DASH)");
        assert_eq!(instrument.questions().len(), 24);
        let groups = instrument.groups();
        let titles: Vec<Option<&str>> = groups.iter().map(|g| g.title).collect();
        assert_eq!(
            titles,
            [
                Some("The current situation"),
                Some("Children and family"),
                Some("The abuse"),
                Some("The abuser")
            ]
        );
        let sizes: Vec<usize> = groups.iter().map(|g| g.questions.len()).collect();
        assert_eq!(sizes, [7, 3, 7, 7]);
    }

    #[test]
    fn the_shipped_checklist_covers_every_dash_topic() {
        let instrument = v1();
        for key in [
            "injured",
            "very-frightened",
            "afraid-of-what-next",
            "isolated",
            "low-or-suicidal",
            "separated-in-past-year",
            "child-contact-conflict",
            "stalking-or-harassment",
            "pregnant-or-young-baby",
            "more-often",
            "getting-worse",
            "controlling-or-jealous",
            "weapons-or-objects",
            "threats-to-kill",
            "strangling-choking-suffocating-drowning",
            "sexual-abuse",
            "others-threaten",
            "hurts-others",
            "cruel-to-animals",
            "money-problems",
            "drugs-alcohol-mental-health",
            "abuser-suicidal",
            "broken-bail-or-order",
            "criminal-history",
        ] {
            assert!(instrument.question(key).is_some(), "{key}");
        }
        assert!(instrument.question("no-such-question").is_none());
    }

    #[test]
    fn questions_without_a_group_form_their_own_runs() {
        let instrument = questions(
            r#"
[[questions]]
key = "a"
text = "A?"
[[questions]]
key = "b"
text = "B?"
group = " Family "
[[questions]]
key = "c"
text = "C?"
group = "Family"
[[questions]]
key = "d"
text = "D?"
"#,
        )
        .expect("valid");
        let groups = instrument.groups();
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].title, None);
        assert_eq!(groups[1].title, Some("Family"), "trimmed");
        let keys: Vec<&str> = groups[1].questions.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(keys, ["b", "c"]);
        assert_eq!(groups[2].title, None);
    }

    #[test]
    fn every_problem_is_named() {
        let err = questions(
            r#"
[[questions]]
key = "a"
text = " "
group = "One"
[[questions]]
key = "a"
text = "Again?"
group = "Two"
[[questions]]
key = "Bad Key"
text = "?"
group = "One"
[[questions]]
key = "e"
text = "?"
group = ""
"#,
        )
        .expect_err("invalid");
        for expected in [
            "question 'a' has no text",
            "question key 'a' is used twice",
            "question key 'Bad Key' must be",
            "in group 'One', whose questions must sit together",
            "question 'e' has an empty group",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in {err}");
        }
    }

    #[test]
    fn unknown_fields_empty_files_and_bad_toml_are_refused() {
        let err = questions("[[questions]]\nkey = \"a\"\ntext = \"A?\"\nweight = 2")
            .expect_err("unknown field");
        assert!(err.contains("weight"), "{err}");
        assert!(DashInstrument::parse("version = ").is_err());
        let err =
            DashInstrument::parse("version = 0\ntitle = \" \"\nquestions = []").expect_err("empty");
        assert!(err.contains("version must be 1 or more"), "{err}");
        assert!(err.contains("needs a title"), "{err}");
        assert!(err.contains("has no questions"), "{err}");
    }
}
