//! Embeds every rule page under `rules/` into the binary (for `explain`), so adding a page
//! needs no code change and a page can never be missing from a release build.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-env-changed=BLUEPRINT_LINT_DOCS_BASE");
    let mut pages: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .filter(|p| p.file_stem().is_some_and(|s| s != "README"))
                .map(|p| {
                    println!("cargo:rerun-if-changed={}", p.display());
                    let name = p.file_stem().unwrap().to_string_lossy().into_owned();
                    (name, p.display().to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    pages.sort();
    let mut code = String::from("/// (rule name, Markdown page) for every page under rules/.\npub static RULE_PAGES: &[(&str, &str)] = &[\n");
    for (name, path) in &pages {
        writeln!(code, "    ({name:?}, include_str!({path:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_pages.rs");
    std::fs::write(out, code).unwrap();
}
