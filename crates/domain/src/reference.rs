//! The partnership's reference data: agencies, districts and wards, as a file.

use std::collections::HashSet;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceDocument {
    pub agencies: Vec<AgencyDoc>,
    pub districts: Vec<DistrictDoc>,
    pub wards: Vec<WardDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyDoc {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictDoc {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WardDoc {
    pub code: String,
    pub name: String,
    pub district: String,
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default)]
    pub ons_code: Option<String>,
}

impl ReferenceDocument {
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: ReferenceDocument = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let districts: HashSet<&str> = doc.districts.iter().map(|d| d.code.as_str()).collect();
        let bad: Vec<String> = doc
            .wards
            .iter()
            .filter(|w| !districts.contains(w.district.as_str()))
            .map(|w| format!("ward '{}' is in unknown district '{}'", w.code, w.district))
            .collect();
        if bad.is_empty() {
            Ok(doc)
        } else {
            Err(bad.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wards_must_be_in_a_known_district() {
        let text = r#"
agencies = []
[[districts]]
code = "allerdale"
name = "Allerdale"
[[wards]]
code = "harbour"
name = "Harbour"
district = "copeland"
"#;
        let err = ReferenceDocument::parse(text).expect_err("unknown district");
        assert!(err.contains("unknown district 'copeland'"));
    }
}
