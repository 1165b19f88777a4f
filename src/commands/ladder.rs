//! `blueprint-lint ladder`: each family as a ladder (rank, level, role, title, years) with its
//! career edges, as a table, Markdown, JSON or a Mermaid flowchart.

use super::check::{load_project, Project};
use super::levels::{rank_label, table};
use crate::cli::ColorChoice;
use crate::levels::{fmt_years, BlueprintTrack, Ladder};
use crate::model::Blueprint;
use crate::source;
use crate::yaml;
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct LadderArgs {
    /// Files or folders to read (default: the current folder).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Use this config file instead of discovering `.blueprint-lint.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format: `mermaid` prints a fenced flowchart that GitHub renders in a README or a
    /// pull-request comment.
    #[arg(long, value_enum, default_value_t = LadderFormat::Table)]
    pub format: LadderFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LadderFormat {
    Table,
    Markdown,
    Json,
    Mermaid,
}

/// One blueprint on the ladder.
struct Role {
    path: String,
    id: String,
    title: String,
    family: String,
    level: String,
    track: String,
    /// (track order, rank) for sorting; unknown levels sort last.
    sort: (u8, usize),
    rank: String,
    years: String,
    blueprint: Blueprint,
}

/// A career edge between two blueprints: declared by `from`'s `next` and/or `to`'s `feeders`.
struct Edge {
    from: String,
    to: String,
    next: bool,
    feeder: bool,
}

impl Edge {
    fn kinds(&self) -> Vec<&'static str> {
        let mut k = Vec::new();
        if self.next {
            k.push("next");
        }
        if self.feeder {
            k.push("feeder");
        }
        k
    }
}

fn load(paths: &[PathBuf], cwd: &std::path::Path, ladder: &Ladder) -> Vec<Role> {
    let limit = crate::rules::DEFAULT_MAX_BYTES;
    paths
        .par_iter()
        .filter_map(|path| {
            let text = source::read_text(path, limit).ok()?;
            let doc = yaml::parse(&text).ok()?;
            let blueprint = Blueprint::from_json(&doc.root?.to_json())?;
            let family = blueprint.family.clone()?;
            let level_name = blueprint.level.clone().unwrap_or_default();
            let track = BlueprintTrack::parse(blueprint.track.as_deref());
            let level = ladder.blueprint_level(&blueprint);
            let (sort, rank) = match level {
                Some((l, t)) => (
                    (t as u8, ladder.rank(l, t).unwrap_or(usize::MAX)),
                    rank_label_on(ladder, l, t),
                ),
                None => ((2, usize::MAX), "?".to_string()),
            };
            let years = blueprint
                .years()
                .map_or(String::new(), |(min, max)| fmt_years(min, max));
            Some(Role {
                path: source::display_path(path, cwd),
                id: blueprint.id.clone().unwrap_or_default(),
                title: blueprint.title.clone().unwrap_or_default(),
                family,
                level: level_name,
                track: track.map_or("?", BlueprintTrack::as_str).to_string(),
                sort,
                rank,
                years,
                blueprint,
            })
        })
        .collect()
}

fn rank_label_on(ladder: &Ladder, level: usize, track: BlueprintTrack) -> String {
    match (track, ladder.rank(level, track)) {
        (BlueprintTrack::Ic, Some(r)) => format!("IC {r}"),
        (BlueprintTrack::Manager, Some(r)) => format!("M {r}"),
        _ => rank_label(ladder, level),
    }
}

/// Families in name order with their roles, and the career edges of each family.
type Families = (Vec<(String, Vec<Role>)>, HashMap<String, Vec<Edge>>);

/// Families in name order, roles by track (IC first) and rank; edges per source family.
fn families(roles: Vec<Role>) -> Families {
    let mut edges: Vec<Edge> = Vec::new();
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let ids: HashMap<&str, &str> = roles
        .iter()
        .map(|r| (r.id.as_str(), r.family.as_str()))
        .collect();
    let mut add = |from: &str, to: &str, next: bool| {
        let key = (from.to_string(), to.to_string());
        let i = *at.entry(key).or_insert_with(|| {
            edges.push(Edge {
                from: from.to_string(),
                to: to.to_string(),
                next: false,
                feeder: false,
            });
            edges.len() - 1
        });
        if next {
            edges[i].next = true;
        } else {
            edges[i].feeder = true;
        }
    };
    for role in &roles {
        let Some(career) = &role.blueprint.career else {
            continue;
        };
        for r in career.next.iter().flatten() {
            if let Some(to) = r.role.as_deref().filter(|t| ids.contains_key(t)) {
                add(&role.id, to, true);
            }
        }
        for r in career.feeders.iter().flatten() {
            if let Some(from) = r.role.as_deref().filter(|f| ids.contains_key(f)) {
                add(from, &role.id, false);
            }
        }
    }
    let mut by_family: HashMap<String, Vec<Edge>> = HashMap::new();
    for edge in edges {
        let family = ids[edge.from.as_str()].to_string();
        by_family.entry(family).or_default().push(edge);
    }
    let mut grouped: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for role in roles {
        grouped.entry(role.family.clone()).or_default().push(role);
    }
    let mut out: Vec<(String, Vec<Role>)> = grouped.into_iter().collect();
    for (_, roles) in &mut out {
        roles.sort_by(|a, b| (a.sort, &a.id, &a.path).cmp(&(b.sort, &b.id, &b.path)));
    }
    // Edges in ladder order: by the position of their ends in the sorted families.
    let position: HashMap<&str, (usize, usize)> = out
        .iter()
        .enumerate()
        .flat_map(|(f, (_, roles))| {
            roles
                .iter()
                .enumerate()
                .map(move |(i, r)| (r.id.as_str(), (f, i)))
        })
        .collect();
    for list in by_family.values_mut() {
        list.sort_by_key(|e| {
            (
                position.get(e.from.as_str()).copied(),
                position.get(e.to.as_str()).copied(),
            )
        });
    }
    (out, by_family)
}

fn render_table(fams: &[(String, Vec<Role>)], edges: &HashMap<String, Vec<Edge>>) -> String {
    let mut out = String::new();
    for (family, roles) in fams {
        if !out.is_empty() {
            out.push('\n');
        }
        let n = roles.len();
        out.push_str(&format!(
            "{family} ({n} blueprint{})\n",
            if n == 1 { "" } else { "s" }
        ));
        let mut rows = vec![vec![
            "RANK".to_string(),
            "LEVEL".into(),
            "ROLE".into(),
            "TITLE".into(),
            "YEARS".into(),
        ]];
        for r in roles {
            rows.push(vec![
                r.rank.clone(),
                r.level.clone(),
                r.id.clone(),
                r.title.clone(),
                r.years.clone(),
            ]);
        }
        out.push_str(&table(&rows, "  "));
        if let Some(list) = edges.get(family) {
            out.push_str("  career edges:\n");
            for e in list {
                out.push_str(&format!(
                    "    {} -> {} ({})\n",
                    e.from,
                    e.to,
                    e.kinds().join(", ")
                ));
            }
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn render_markdown(fams: &[(String, Vec<Role>)], edges: &HashMap<String, Vec<Edge>>) -> String {
    let mut out = String::new();
    for (family, roles) in fams {
        out.push_str(&format!("## {family}\n\n"));
        out.push_str("| Rank | Level | Role | Title | Years |\n|---|---|---|---|---|\n");
        for r in roles {
            out.push_str(&format!(
                "| {} | {} | `{}` | {} | {} |\n",
                r.rank,
                md_cell(&r.level),
                md_cell(&r.id),
                md_cell(&r.title),
                r.years
            ));
        }
        if let Some(list) = edges.get(family) {
            out.push_str("\nCareer edges:\n\n");
            for e in list {
                out.push_str(&format!(
                    "- `{}` → `{}` ({})\n",
                    e.from,
                    e.to,
                    e.kinds().join(", ")
                ));
            }
        }
        out.push('\n');
    }
    out
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn render_mermaid(fams: &[(String, Vec<Role>)], edges: &HashMap<String, Vec<Edge>>) -> String {
    let mut out = String::from("```mermaid\nflowchart BT\n");
    let mut node: HashMap<&str, String> = HashMap::new();
    let mut n = 0;
    for (f, (family, roles)) in fams.iter().enumerate() {
        out.push_str(&format!("  subgraph f{f}[\"{}\"]\n", mermaid_text(family)));
        for r in roles {
            let id = format!("n{n}");
            n += 1;
            let mut detail = r.level.clone();
            if !r.years.is_empty() {
                detail.push_str(&format!(" · {} years", r.years));
            }
            out.push_str(&format!(
                "    {id}[\"{}<br/>{}\"]\n",
                mermaid_text(&r.title),
                mermaid_text(&detail)
            ));
            node.entry(r.id.as_str()).or_insert(id);
        }
        out.push_str("  end\n");
    }
    for (family, _) in fams {
        for e in edges.get(family).into_iter().flatten() {
            let (Some(a), Some(b)) = (node.get(e.from.as_str()), node.get(e.to.as_str())) else {
                continue;
            };
            let arrow = if e.next { "-->" } else { "-.->" };
            out.push_str(&format!("  {a} {arrow} {b}\n"));
        }
    }
    out.push_str("```\n");
    out
}

fn render_json(
    fams: &[(String, Vec<Role>)],
    edges: &HashMap<String, Vec<Edge>>,
    ladder: &Ladder,
) -> String {
    use serde_json::json;
    let families: Vec<_> = fams
        .iter()
        .map(|(family, roles)| {
            json!({
                "family": family,
                "roles": roles.iter().map(|r| {
                    let years = r.blueprint.years().map(|(min, max)| json!({"min": min, "max": max}));
                    json!({
                        "id": r.id, "title": r.title, "level": r.level, "track": r.track,
                        "rank": r.rank, "years": years, "path": r.path,
                    })
                }).collect::<Vec<_>>(),
                "edges": edges.get(family).into_iter().flatten().map(|e| json!({
                    "from": e.from, "to": e.to, "kinds": e.kinds(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "version": 1,
        "ladder": if ladder.custom { "config" } else { "default" },
        "families": families,
    });
    serde_json::to_string_pretty(&value).expect("serializable") + "\n"
}

pub fn run(args: LadderArgs) -> ExitCode {
    let Project {
        config,
        targets,
        cwd,
        ..
    } = match load_project(
        &args.paths,
        args.config.as_deref(),
        ColorChoice::Auto,
        false,
    ) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let ladder = &config.levels;
    let roles = load(&targets, &cwd, ladder);
    let (fams, edges) = families(roles);
    let text = match args.format {
        LadderFormat::Table => render_table(&fams, &edges),
        LadderFormat::Markdown => render_markdown(&fams, &edges),
        LadderFormat::Mermaid => render_mermaid(&fams, &edges),
        LadderFormat::Json => render_json(&fams, &edges, ladder),
    };
    print!("{text}");
    ExitCode::SUCCESS
}
