//! The typed blueprint model, deserialized with serde after schema validation. Only the fields
//! rules reason about are modelled; everything is optional so that one wrong field (already
//! reported by the `schema` rule) does not hide the findings of other rules.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Blueprint {
    pub id: Option<String>,
    pub title: Option<String>,
    pub family: Option<String>,
    pub level: Option<String>,
    pub track: Option<String>,
    // A section that does not fit its model is left out (`None`) instead of the whole
    // blueprint: the `schema` rule reports it, and the other rules still see the rest. (This
    // also keeps a full check and PR mode alike, which reads other files' headers only.)
    #[serde(deserialize_with = "tolerant")]
    pub kpis: Option<Vec<Kpi>>,
    #[serde(deserialize_with = "tolerant")]
    pub hiring: Option<Hiring>,
    #[serde(deserialize_with = "tolerant")]
    pub scorecard: Option<Scorecard>,
    #[serde(deserialize_with = "tolerant")]
    pub career: Option<Career>,
    /// Kept as JSON so that a malformed section (reported by `schema`) does not hide the
    /// blueprint from other rules; read through `years()`.
    pub qualifications: Option<serde_json::Value>,
}

/// A section as its model, or `None` when it is absent, `null` or does not fit the model.
fn tolerant<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(Option::<T>::deserialize(value).ok().flatten())
}

/// A weight as written: a number, or text such as `"25%"` that the weight rules explain.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Weight {
    Number(f64),
    Text(String),
    Other(serde_json::Value),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Kpi {
    pub id: Option<String>,
    pub name: Option<String>,
    pub weight: Option<Weight>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Hiring {
    pub scorecard: Option<Vec<ScorecardRow>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScorecardRow {
    pub dimension: Option<String>,
    pub weight: Option<Weight>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Scorecard {
    pub top_kpis: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Career {
    pub feeders: Option<Vec<RoleRef>>,
    pub next: Option<Vec<RoleRef>>,
    pub adjacent: Option<Vec<RoleRef>>,
    pub promotion: Option<Promotion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleRef {
    pub role: Option<String>,
    pub title: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Promotion {
    pub to: Option<String>,
    pub criteria: Option<Vec<String>>,
}

impl Blueprint {
    /// `None` when the document's shape is too far off to model (the schema rule says why).
    pub fn from_json(value: &serde_json::Value) -> Option<Blueprint> {
        Blueprint::deserialize(value).ok()
    }

    /// The same, taking the values over instead of copying them.
    pub fn from_json_value(value: serde_json::Value) -> Option<Blueprint> {
        Blueprint::deserialize(value).ok()
    }

    /// `qualifications.years` as (min, max), when `min` is a number.
    pub fn years(&self) -> Option<(f64, Option<f64>)> {
        let years = self.qualifications.as_ref()?.get("years")?;
        let min = years.get("min")?.as_f64()?;
        Some((min, years.get("max").and_then(serde_json::Value::as_f64)))
    }

    /// The career lists with their field names, for rules that treat them alike.
    pub fn career_lists(&self) -> Vec<(&'static str, &[RoleRef])> {
        let Some(career) = &self.career else {
            return Vec::new();
        };
        [
            ("feeders", &career.feeders),
            ("next", &career.next),
            ("adjacent", &career.adjacent),
        ]
        .into_iter()
        .filter_map(|(name, list)| list.as_deref().map(|l| (name, l)))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Option<Blueprint> {
        let root = crate::yaml::parse(text).unwrap().root.unwrap();
        Blueprint::from_json(&root.to_json())
    }

    #[test]
    fn a_malformed_section_leaves_only_itself_out() {
        for broken in [
            "kpis: not a list",
            "kpis:\n  - {id: 5}",
            "hiring: [1, 2]",
            "scorecard: {top_kpis: 3}",
            "career:\n  next:\n    - {role: 42}",
        ] {
            let text = format!("id: a\nlevel: mid\nfamily: f\n{broken}\n");
            let blueprint = model(&text).unwrap_or_else(|| panic!("{broken}: no model"));
            assert_eq!(blueprint.id.as_deref(), Some("a"), "{broken}");
            assert_eq!(blueprint.level.as_deref(), Some("mid"), "{broken}");
            assert!(
                blueprint.kpis.is_none()
                    && blueprint.hiring.is_none()
                    && blueprint.scorecard.is_none()
                    && blueprint.career.is_none(),
                "{broken}"
            );
        }
    }

    #[test]
    fn well_formed_sections_are_kept() {
        let blueprint =
            model("id: a\nkpis:\n  - {id: k, weight: 40}\ncareer:\n  next:\n    - {role: b}\n")
                .unwrap();
        assert_eq!(blueprint.kpis.map(|k| k.len()), Some(1));
        assert_eq!(
            blueprint.career.and_then(|c| c.next).map(|n| n.len()),
            Some(1)
        );
    }

    #[test]
    fn a_wrong_header_still_leaves_no_model() {
        // (The header is what cross-file rules match on: a wrong one is reported by `schema`.)
        assert!(model("id: 5\nlevel: mid\n").is_none());
    }
}
