//! The built-in catalogue of common security and operations near-miss patterns: a shared
//! vocabulary that sites point their own patterns at (`same_as: catalog/<slug>`), with the
//! VERIS 1.4.1 actor, action, asset and attribute each pattern corresponds to.
//!
//! The data is `patterns.yaml`, embedded in the binary; [`entries`] reads it once.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::validate::fields::did_you_mean;

/// How a site's pattern names a catalogue entry: `catalog/<slug>`.
pub const PREFIX: &str = "catalog/";

/// One catalogue pattern.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Lowercase words joined by `-`, unique in the catalogue.
    pub slug: String,
    pub title: String,
    /// The risk the pattern relates to, in one sentence.
    pub risk: String,
    /// The early warnings that show the pattern building up.
    pub signals: Vec<String>,
    /// The controls that make luck unnecessary.
    pub controls: Vec<String>,
    pub veris: Veris,
}

impl Entry {
    /// The reference a site's pattern writes in `same_as`.
    pub fn reference(&self) -> String {
        format!("{PREFIX}{}", self.slug)
    }
}

/// The VERIS 1.4.1 enumeration values a pattern corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veris {
    /// Who would have acted.
    pub actor: Actor,
    /// What they would have done.
    pub action: Action,
    /// An `asset.assets[].variety`, e.g. `S - Code repository`.
    pub asset: String,
    /// The security attribute at risk.
    pub attribute: Attribute,
}

/// A VERIS actor: `actor.<kind>.variety` and `.motive`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub kind: ActorKind,
    /// The variety; VERIS has none for partners.
    #[serde(default)]
    pub variety: Option<String>,
    pub motive: String,
}

/// The VERIS actor categories a pattern can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    External,
    Internal,
    Partner,
}

impl ActorKind {
    /// The key VERIS writes it under.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::External => "external",
            ActorKind::Internal => "internal",
            ActorKind::Partner => "partner",
        }
    }
}

/// A VERIS action: `action.<category>.variety`, `.vector` and, for social actions, `.target`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub category: ActionCategory,
    pub variety: String,
    /// VERIS has no vector for environmental actions.
    #[serde(default)]
    pub vector: Option<String>,
    /// Who a social action targets.
    #[serde(default)]
    pub target: Option<String>,
}

/// The VERIS action categories (all but `unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionCategory {
    Environmental,
    Error,
    Hacking,
    Malware,
    Misuse,
    Physical,
    Social,
}

impl ActionCategory {
    /// Every category, as VERIS names them.
    pub const ALL: [ActionCategory; 7] = [
        ActionCategory::Environmental,
        ActionCategory::Error,
        ActionCategory::Hacking,
        ActionCategory::Malware,
        ActionCategory::Misuse,
        ActionCategory::Physical,
        ActionCategory::Social,
    ];

    /// The key VERIS writes it under, e.g. `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionCategory::Environmental => "environmental",
            ActionCategory::Error => "error",
            ActionCategory::Hacking => "hacking",
            ActionCategory::Malware => "malware",
            ActionCategory::Misuse => "misuse",
            ActionCategory::Physical => "physical",
            ActionCategory::Social => "social",
        }
    }
}

/// A VERIS attribute: for confidentiality a data variety (`attribute.confidentiality.data[]`),
/// for integrity and availability `attribute.<kind>.variety`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub kind: AttributeKind,
    pub variety: String,
}

/// The three VERIS security attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeKind {
    Confidentiality,
    Integrity,
    Availability,
}

impl AttributeKind {
    pub const ALL: [AttributeKind; 3] =
        [AttributeKind::Confidentiality, AttributeKind::Integrity, AttributeKind::Availability];

    /// The key VERIS writes it under, which is also the `impact_area` word writeups use.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Confidentiality => "confidentiality",
            AttributeKind::Integrity => "integrity",
            AttributeKind::Availability => "availability",
        }
    }

    /// The attribute an `impact_area` word names, if it is one of the three.
    pub fn parse(word: &str) -> Option<AttributeKind> {
        AttributeKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(word.trim()))
    }
}

/// Every catalogue entry, in the catalogue's order.
pub fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        // The data is part of the binary and checked by this module's tests.
        crate::yaml::deserialize(include_str!("patterns.yaml"))
            .unwrap_or_else(|e| panic!("the built-in catalogue is malformed: {e}"))
    })
}

/// The entry with `slug`.
pub fn get(slug: &str) -> Option<&'static Entry> {
    entries().iter().find(|e| e.slug == slug)
}

/// The entry a `same_as` value such as `catalog/secret-in-code` names, or why it names none
/// (a message, and a hint with the closest slug).
pub fn resolve(reference: &str) -> Result<&'static Entry, (String, String)> {
    let Some(slug) = reference.strip_prefix(PREFIX) else {
        return Err((
            format!("`{reference}` is not a catalogue reference"),
            format!("write `{PREFIX}<slug>`, e.g. `{PREFIX}secret-in-code`"),
        ));
    };
    get(slug).ok_or_else(|| {
        let slugs: Vec<&str> = entries().iter().map(|e| e.slug.as_str()).collect();
        let hint = match did_you_mean(slug, &slugs) {
            Some(close) => format!("did you mean `{PREFIX}{close}`?"),
            None => format!("the catalogue has: {}", slugs.join(", ")),
        };
        (format!("the catalogue has no pattern `{slug}`"), hint)
    })
}

/// The first entry whose VERIS action is `category` with `variety`: how an imported record
/// finds its pattern.
pub fn by_action(category: ActionCategory, variety: &str) -> Option<&'static Entry> {
    entries().iter().find(|e| e.veris.action.category == category && e.veris.action.variety == variety)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The VERIS 1.4.1 schema kept for the tests (CC BY-SA 4.0, see its README).
    fn schema() -> Value {
        serde_json::from_str(include_str!("../../tests/schemas/veris/verisc-merged.json")).unwrap()
    }

    fn allowed(schema: &Value, pointer: &str) -> Vec<String> {
        let node = schema.pointer(pointer).unwrap_or_else(|| panic!("schema has no {pointer}"));
        let list = node.get("enum").or_else(|| node.pointer("/items/enum")).unwrap_or_else(|| panic!("{pointer}"));
        list.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }

    #[track_caller]
    fn check(schema: &Value, slug: &str, pointer: &str, value: &str) {
        let values = allowed(schema, pointer);
        assert!(values.iter().any(|v| v == value), "{slug}: `{value}` is not one of {pointer}: {values:?}");
    }

    #[test]
    fn the_catalogue_reads_and_its_slugs_are_unique_slugs() {
        let all = entries();
        assert!(all.len() >= 30, "{}", all.len());
        for (i, e) in all.iter().enumerate() {
            assert_eq!(crate::model::slugify(&e.slug), e.slug, "{}", e.slug);
            assert!(all[..i].iter().all(|o| o.slug != e.slug), "duplicate {}", e.slug);
            assert!(!e.title.is_empty() && !e.risk.is_empty(), "{}", e.slug);
            assert!(!e.signals.is_empty() && !e.controls.is_empty(), "{}", e.slug);
        }
    }

    #[test]
    fn every_veris_value_is_in_the_schema() {
        let s = schema();
        let p = "/properties";
        for e in entries() {
            let v = &e.veris;
            let actor = format!("{p}/actor/properties/{}/properties", v.actor.kind.as_str());
            check(&s, &e.slug, &format!("{actor}/motive"), &v.actor.motive);
            match (&v.actor.variety, v.actor.kind) {
                (None, ActorKind::Partner) => {}
                (Some(variety), ActorKind::External | ActorKind::Internal) => {
                    check(&s, &e.slug, &format!("{actor}/variety"), variety)
                }
                _ => panic!("{}: partners have no variety; others need one", e.slug),
            }
            let action = format!("{p}/action/properties/{}/properties", v.action.category.as_str());
            check(&s, &e.slug, &format!("{action}/variety"), &v.action.variety);
            let needs_vector = v.action.category != ActionCategory::Environmental;
            assert_eq!(v.action.vector.is_some(), needs_vector, "{}: vector", e.slug);
            if let Some(vector) = &v.action.vector {
                check(&s, &e.slug, &format!("{action}/vector"), vector);
            }
            assert_eq!(v.action.target.is_some(), v.action.category == ActionCategory::Social, "{}", e.slug);
            if let Some(target) = &v.action.target {
                check(&s, &e.slug, &format!("{action}/target"), target);
            }
            check(&s, &e.slug, &format!("{p}/asset/properties/assets/items/properties/variety"), &v.asset);
            let attribute = format!("{p}/attribute/properties/{}/properties", v.attribute.kind.as_str());
            let pointer = match v.attribute.kind {
                AttributeKind::Confidentiality => format!("{attribute}/data/items/properties/variety"),
                _ => format!("{attribute}/variety"),
            };
            check(&s, &e.slug, &pointer, &v.attribute.variety);
        }
    }

    #[test]
    fn references_resolve_or_suggest() {
        assert_eq!(resolve("catalog/secret-in-code").unwrap().title, "Secret in code");
        let (message, hint) = resolve("catalog/secret-in-cod").unwrap_err();
        assert_eq!(message, "the catalogue has no pattern `secret-in-cod`");
        assert_eq!(hint, "did you mean `catalog/secret-in-code`?");
        let (message, _) = resolve("secret-in-code").unwrap_err();
        assert_eq!(message, "`secret-in-code` is not a catalogue reference");
        assert_eq!(get("phishing-attempt").unwrap().reference(), "catalog/phishing-attempt");
    }

    #[test]
    fn actions_find_their_pattern() {
        let e = by_action(ActionCategory::Social, "Phishing").unwrap();
        assert_eq!(e.slug, "phishing-attempt");
        assert!(by_action(ActionCategory::Hacking, "SQLi").is_none());
        assert_eq!(AttributeKind::parse("Availability"), Some(AttributeKind::Availability));
        assert_eq!(AttributeKind::parse("financial"), None);
    }
}
