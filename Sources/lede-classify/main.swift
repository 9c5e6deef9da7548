import LedeCommandLine

ForeignOptions.refuseForeignOptions(command: "lede-classify", shortOptions: ["m", "q", "h"])
LedeClassify.main()
