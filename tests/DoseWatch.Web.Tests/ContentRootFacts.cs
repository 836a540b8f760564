using DoseWatch.Tests;
using DoseWatch.Web.Hosting;

namespace DoseWatch.Web.Tests;

public sealed class ContentRootFacts
{
    [Fact]
    public void Binaries_inside_a_checkout_use_the_repository_root()
    {
        Assert.Equal(SharedSamples.RepositoryRoot, ContentRoot.Locate(AppContext.BaseDirectory));
    }

    [Fact]
    public void Binaries_outside_a_checkout_use_their_own_directory()
    {
        var published = Directory.CreateTempSubdirectory("dosewatch-published-");
        try
        {
            File.WriteAllText(Path.Combine(published.FullName, "appsettings.json"), "{}");

            Assert.Equal(published.FullName, ContentRoot.Locate(published.FullName));
        }
        finally
        {
            published.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_configured_content_root_is_left_to_the_host()
    {
        Assert.Null(ContentRoot.Options(["--contentRoot=/srv/dosewatch"]).ContentRootPath);
        Assert.NotNull(ContentRoot.Options([]).ContentRootPath);
    }
}
