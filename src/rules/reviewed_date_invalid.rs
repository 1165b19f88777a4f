//! `reviewed-date-invalid`: a `reviewed:` stamp must record a review that already happened: not
//! dated after today, and not after the commit that wrote it (from git history, when there is
//! one).

use super::{FileContext, Rule, RuleMeta, RuleSettings};
use crate::diagnostic::{Finding, Level, Location, Severity};
use crate::history::{format_day, parse_day, SectionState};
use crate::yaml::{escape_pointer, Node, Value};

pub struct ReviewedDateInvalid;

pub const NAME: &str = "reviewed-date-invalid";

static META: RuleMeta = RuleMeta {
    name: NAME,
    group: "history",
    default_level: Level::On(Severity::Error),
    summary: "A `reviewed:` date must not be in the future nor after the commit that wrote it.",
    options: &[],
};

impl Rule for ReviewedDateInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_file(&self, ctx: &FileContext, _: &RuleSettings, out: &mut Vec<Finding>) {
        let Some(reviewed) = ctx
            .document()
            .and_then(|d| d.root.as_ref())
            .and_then(|r| r.get("reviewed"))
        else {
            return;
        };
        let file = ctx.history();
        // (pointer, traced key, the stamp node)
        let mut stamps: Vec<(String, String, &Node)> = Vec::new();
        match &reviewed.value {
            Value::Str(_) => stamps.push(("/reviewed".into(), "reviewed".into(), reviewed)),
            Value::Map(entries) => {
                for e in entries {
                    stamps.push((
                        format!("/reviewed/{}", escape_pointer(&e.key)),
                        format!("reviewed.{}", e.key),
                        &e.value,
                    ));
                }
            }
            _ => {}
        }
        let today = ctx.env.today;
        for (pointer, key, node) in stamps {
            // Malformed dates are the schema rule's business.
            let Some(day) = node.as_str().and_then(parse_day) else {
                continue;
            };
            if day > today {
                out.push(
                    Finding::new(
                        NAME,
                        Location::value(pointer),
                        format!(
                            "the review date {} is in the future (today is {})",
                            format_day(day),
                            format_day(today)
                        ),
                    )
                    .help("Write the date on which the review actually happened (YYYY-MM-DD), no later than today."),
                );
                continue;
            }
            let written = file.and_then(|f| f.sections.get(&key));
            if let Some(SectionState::Changed(c) | SectionState::Created(c)) = written {
                if day > c.day() {
                    out.push(
                        Finding::new(
                            NAME,
                            Location::value(pointer),
                            format!(
                                "the review date {} is after the commit that wrote it ({}): a stamp must record a review that had already happened",
                                format_day(day),
                                c.describe()
                            ),
                        )
                        .help(format!(
                            "Write the date of the review itself, {} or earlier; to confirm a section later, commit a new stamp on that day or use a `Blueprint-Reviewed:` commit trailer.",
                            c.date()
                        )),
                    );
                }
            }
        }
    }
}
