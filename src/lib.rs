//! blueprint-lint: a linter for role blueprints kept as YAML.
//!
//! Stages: `discover` (which files) -> `source` (read safely) -> `yaml` (parse with spans) ->
//! `schema` + `rules` (findings by JSON pointer) -> `engine` (resolve to lines, sort) ->
//! `report` (output formats). `cli` wires them to the command line.

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod docs;
pub mod engine;
pub mod fsutil;
pub mod history;
pub mod levels;
pub mod model;
pub mod report;
pub mod rules;
pub mod schema;
pub mod simple_yaml;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod yaml;
