using Turntide.Server;

// The composition root lives in ServerApp so that `turntide serve` and the tests start the very same app.
await ServerApp.Build(args).RunAsync();

internal partial class Program;
