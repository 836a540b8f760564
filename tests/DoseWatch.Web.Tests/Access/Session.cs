using System.Net;
using System.Text.RegularExpressions;

namespace DoseWatch.Web.Tests.Access;

/// <summary>A browser-like session over HTTP: cookie jar, no automatic redirects, forms posted with the page's anti-forgery token.</summary>
public sealed partial class Session(DoseWatchApp app) : IDisposable
{
    public CookieContainer Cookies { get; } = new();
    private HttpClient? _client;
    public HttpClient Http => _client ??= app.CreateCookieClient(Cookies);

    /// <summary>Loads <paramref name="pagePath"/> and posts <paramref name="fields"/> to <paramref name="action"/> with the page's anti-forgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, Dictionary<string, string> fields)
    {
        var html = await Http.GetStringAsync(pagePath);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, $"no anti-forgery token on {pagePath}");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await Http.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    public Task<HttpResponseMessage> SignInAsync(string user, string password, string? code = null, string returnUrl = "/ct") =>
        PostFormAsync("/signin", "/account/signin", new() { ["UserName"] = user, ["Password"] = password, ["Code"] = code ?? "", ["ReturnUrl"] = returnUrl });

    /// <summary>The sign-in form as the page shows it after an administrator's reset: the old password with a new one twice.</summary>
    public Task<HttpResponseMessage> SignInReplacingAsync(string user, string password, string newPassword, string? confirmation = null, string returnUrl = "/ct") =>
        PostFormAsync("/signin", "/account/signin", new()
        {
            ["UserName"] = user, ["Password"] = password, ["Code"] = "", ["ReturnUrl"] = returnUrl,
            ["NewPassword"] = newPassword, ["ConfirmPassword"] = confirmation ?? newPassword,
        });

    public void Dispose()
    {
        _client?.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
