using DoseWatch.Cli.Commands;

return args.FirstOrDefault() switch
{
    "send" => await SendCommand.RunAsync(args[1..]),
    "echo" => await EchoCommand.RunAsync(args[1..]),
    "listen" => await ListenCommand.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine($"usage:\n  {SendCommand.Usage}\n  {EchoCommand.Usage}\n  {ListenCommand.Usage}");
    return 2;
}
