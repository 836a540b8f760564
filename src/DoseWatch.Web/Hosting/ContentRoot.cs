namespace DoseWatch.Web.Hosting;

/// <summary>
/// The design card keeps <c>appsettings.json</c> and <c>wwwroot/</c> at the repository root. The content root is:
/// whatever is configured (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>); else, when the binaries sit inside a
/// DoseWatch checkout (<c>dotnet run --project src/DoseWatch.Web</c> from any directory), that checkout's root; else the
/// binaries' directory, where the build copied <c>appsettings.json</c> (a published app).
/// </summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = IsConfigured(args) ? null : Locate(AppContext.BaseDirectory),
    };

    public static string Locate(string binaries)
    {
        for (var dir = new DirectoryInfo(binaries); dir is not null; dir = dir.Parent)
            if (IsRepositoryRoot(dir.FullName)) return dir.FullName;
        return binaries;
    }

    private static bool IsRepositoryRoot(string directory) =>
        File.Exists(Path.Combine(directory, "DoseWatch.sln")) && File.Exists(Path.Combine(directory, "appsettings.json"));

    private static bool IsConfigured(string[] args) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"))
        || args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)
                      || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase)
                      || a.StartsWith("contentRoot=", StringComparison.OrdinalIgnoreCase));
}
