namespace DoseWatch.Cli.Commands;

/// <summary>Options of the network commands: positional arguments and "--name value" pairs.</summary>
internal sealed class NetworkArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public NetworkArguments(IEnumerable<string> args, params string[] flags)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) { Positional.Add(list[i]); continue; }
            if (flags.Contains(list[i])) { _options[list[i]] = "true"; continue; }
            if (i + 1 >= list.Count) throw new ArgumentException($"{list[i]} needs a value");
            _options[list[i]] = list[++i];
        }
    }

    public List<string> Positional { get; } = [];

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="command"/>; a malformed argument prints it with the usage (exit 2).</summary>
    public static async Task<int> RunAsync(string[] args, string usage, Func<NetworkArguments, Task<int>> command, params string[] flags)
    {
        try
        {
            return await command(new NetworkArguments(args, flags));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{e.Message}\nusage: {usage}");
            return 2;
        }
    }

    public string Get(string name, string fallback) => _options.GetValueOrDefault(name, fallback);

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>An optional YYYY-MM-DD option: null when absent, an <see cref="ArgumentException"/> naming it when malformed.</summary>
    public DateOnly? Date(string name) =>
        !Has(name) ? null
        : DateOnly.TryParseExact(Get(name, ""), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d
        : throw new ArgumentException($"{name} '{Get(name, "")}' is not a date (YYYY-MM-DD)");

    public int Port(int index)
    {
        if (Positional.Count <= index || !int.TryParse(Positional[index], out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"argument {index + 1} must be a TCP port");
        return port;
    }
}
