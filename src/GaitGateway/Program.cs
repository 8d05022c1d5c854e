using GaitGateway.Cli;

return await GaitGatewayCli.RunAsync(args).ConfigureAwait(false);
