import LedeCommandLine

ForeignOptions.refuseForeignOptions(command: "lede-train", shortOptions: ["o", "C", "q", "h"])
MistypedSubcommand.refuse(command: "lede-train", subcommands: ["train", "evaluate", "inspect", "count", "merge-counts"])
LedeTrain.main()
