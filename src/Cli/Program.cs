using System.CommandLine;
using FactoredGpu.Cli;
using FactoredGpu.Cli.Commands;

var root = new RootCommand("factored: factored (low-rank) matrix algebra and transformer circuit analysis at hardware speed.");
root.Subcommands.Add(CircuitsCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(SelftestCommand.Create());
return CommandLine.Run(root, args);
