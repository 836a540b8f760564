using DoseWatch.Cli.Commands;

// Files the tool creates beside the app's (keys, re-encrypted objects, exports) are for the service account only.
DoseWatch.Core.Privacy.OwnerOnlyFiles.RestrictProcessUmask();

// One case per command; each command parses its own arguments and returns the process exit code.
return args.Length == 0 ? Usage() : args[0] switch
{
    "dump" => DumpCommand.Run(args[1..], Console.Out, Console.Error),
    "bench" => BenchCommand.Run(args[1..], Console.Out, Console.Error),
    "bench-extract" => ExtractBenchCommand.Run(args[1..], Console.Out, Console.Error),
    "send" => await SendCommand.RunAsync(args[1..]),
    "echo" => await EchoCommand.RunAsync(args[1..]),
    "qr" => await QueryRetrieveCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "listen" => await ListenCommand.RunAsync(args[1..]),
    "import" => await ImportCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "demo" => await DemoCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "bench-extract-sql" => await ExtractToSqlBenchCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "users" => await AccountCommands.UsersAsync(args[1..], Console.In, Console.Out, Console.Error),
    "apikey" => await AccountCommands.ApiKeyAsync(args[1..], Console.Out, Console.Error),
    "audit" => await AuditCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "deid" => await DeidCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "keys" => await KeysCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "bench-dashboards" => await DashboardBenchCommand.RunAsync(args[1..], Console.Out),
    "fhir-push" => await FhirPushCommand.RunAsync(args[1..], Console.Out, Console.Error),
    "bench-skin-dose" => SkinDoseBenchCommand.Run(args[1..], Console.Out, Console.Error),
    "-h" or "--help" or "help" => Usage(),
    _ => Usage($"unknown command '{args[0]}'"),
};

static int Usage(string? error = null)
{
    if (error is not null) Console.Error.WriteLine($"dosewatch: {error}");
    (error is null ? Console.Out : Console.Error).WriteLine($"""
        usage: dosewatch <command> [options]
          dump FILE [--stop-before-pixels] [--long]   print a DICOM file like dcmdump
          bench parse [--stop-before-pixels] [--seconds N] FILE...   files/s parsing the given files in-process
          bench-extract [--seconds N] FILE...   files/s reading headers and extracting dose values
          {SendCommand.Usage}
          {EchoCommand.Usage}
          {QueryRetrieveCommand.Usage}
          {ListenCommand.Usage}
          {ImportCommand.Usage}
          {DemoCommand.Usage}
          {ExtractToSqlBenchCommand.Usage}
          {AccountCommands.UsersUsage}
          {AccountCommands.ApiKeyUsage}
          {AuditCommand.Usage}
          {AuditCommand.HeadUsage}
          {DeidCommand.Usage}
          {KeysCommand.RotateUsage}
          {KeysCommand.ReencryptUsage}
          {DashboardBenchCommand.Usage}
          {SkinDoseBenchCommand.Usage}
          {FhirPushCommand.Usage}
        """);
    return error is null ? 0 : 2;
}
