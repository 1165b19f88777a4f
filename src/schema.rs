//! The blueprint JSON Schema, embedded in the binary and compiled once per run.

use serde_json::Value as Json;
use std::sync::OnceLock;

pub const BLUEPRINT_SCHEMA: &str = include_str!("../schema/blueprint.v1.schema.json");

/// The parsed schema document (also used to find allowed keys for "did you mean").
pub fn schema_json() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(BLUEPRINT_SCHEMA).expect("embedded schema is JSON"))
}

/// The compiled validator; formats (dates, URLs) are checked, not just annotated.
pub fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema_json())
            .expect("embedded schema compiles")
    })
}

/// Follows `$ref`s (local `#/$defs/...` only, which is all our schema uses).
fn resolve<'a>(root: &'a Json, mut node: &'a Json) -> &'a Json {
    for _ in 0..16 {
        match node.get("$ref").and_then(Json::as_str) {
            Some(r) if node.get("properties").is_none() && node.get("items").is_none() => {
                let Some(target) = r.strip_prefix("#").and_then(|p| root.pointer(p)) else {
                    return node;
                };
                node = target;
            }
            _ => return node,
        }
    }
    node
}

/// The sub-schema that describes the instance at `pointer`, if the schema pins one down.
pub fn subschema_at(pointer: &str) -> Option<&'static Json> {
    let root = schema_json();
    let mut node = resolve(root, root);
    for segment in pointer.split('/').skip(1) {
        let next = if segment.parse::<usize>().is_ok() && node.get("items").is_some() {
            node.get("items")
        } else {
            node.get("properties")
                .and_then(|p| p.get(segment))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))
        }?;
        node = resolve(root, next);
    }
    Some(node)
}

/// The keys the schema allows in the mapping at `pointer`.
pub fn allowed_keys(pointer: &str) -> Vec<&'static str> {
    subschema_at(pointer)
        .and_then(|s| s.get("properties"))
        .and_then(Json::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The `description` of the field at `pointer` (shown as help for missing fields).
pub fn description_at(pointer: &str) -> Option<&'static str> {
    let root = schema_json();
    let (parent, key) = pointer.rsplit_once('/')?;
    let parent = subschema_at(parent)?;
    let prop = parent.get("properties")?.get(key)?;
    prop.get("description")
        .or_else(|| resolve(root, prop).get("description"))
        .and_then(Json::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_draft_2020_12() {
        jsonschema::draft202012::meta::validate(schema_json()).expect("meta-schema");
    }

    #[test]
    fn navigation_reaches_nested_items() {
        assert!(allowed_keys("").contains(&"kpis"));
        assert!(allowed_keys("/kpis/3").contains(&"weight"));
        assert!(allowed_keys("/career/next/0").contains(&"role"));
        assert!(description_at("/kpis/0/weight").is_some());
    }
}
