use std::process::ExitCode;

// See Cargo.toml: allocation-heavy parsing runs markedly faster on mimalloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    blueprint_lint::cli::main()
}
