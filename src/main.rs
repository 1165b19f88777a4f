use std::process::ExitCode;

fn main() -> ExitCode {
    blueprint_lint::cli::main()
}
