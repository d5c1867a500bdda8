"""The subcommands of `companion`, one module per subject. Each module declares its parsers and names the
function that runs each of them; `bot.cli` lists them in the order `companion --help` shows."""
