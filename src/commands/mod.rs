//! One module per subcommand.

pub mod check;
pub mod explain;
pub mod freshness;
pub mod init;
pub mod ladder;
pub mod levels;
pub mod rules;
