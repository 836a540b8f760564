using DoseWatch.Web.Access;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Api;
using DoseWatch.Web.Fhir;
using DoseWatch.Web.Privacy;
using DoseWatch.Web.Components;
using DoseWatch.Web.Health;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace DoseWatch.Web.Hosting;

public static class WebHosting
{
    /// <summary>Blazor (interactive Server), health checks and the modality connection details shown to users.</summary>
    public static WebApplicationBuilder AddDoseWatchWeb(this WebApplicationBuilder builder)
    {
        // The root wwwroot/ is linked into this project's static web assets; their manifest is also wanted outside
        // Development (e.g. `dotnet run -c Release`). Without a manifest (a published app) this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSingleton(sp => DicomListenerInfo.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddDoseWatchHealthChecks();
        // Keys in the data directory: forms and circuits survive a restart, and nodes sharing the folder share keys.
        builder.Services.AddDataProtection().SetApplicationName("DoseWatch");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, ILoggerFactory>((options, data, logs) =>
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(data.Subdirectory("keys")), logs));
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication UseDoseWatchWeb(this WebApplication app)
    {
        app.UseDoseWatchTransportSecurity();
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        // Browsers get the Not found page; API clients keep their own status codes and problem details.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing after the status code pages, so a re-executed request (/not-found, /Error) is routed again and
        // authorized as that page (public) rather than as "no endpoint" (the authenticated-only fallback policy).
        app.UseRouting();
        app.UseDoseWatchAccess();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapDoseWatchEndpoints(this WebApplication app)
    {
        // Static files hold no data (scripts, styles, the sign-in page's assets): public.
        app.MapStaticAssets().AllowAnonymous();
        app.MapDoseWatchHealth("/health").AllowAnonymous();
        app.MapOpenApi().RequireAuthorization();
        app.MapAccountEndpoints();
        app.MapInstancesApi();
        app.MapBackfillsApi();
        app.MapStudiesApi();
        app.MapFhirApi();
        app.MapFhirDeliveriesApi();
        app.MapDeidentifiedExportApi();
        app.MapAuditHeadApi();
        app.MapStudiesExportApi();
        app.MapAlertsApi();
        app.MapAlertSubscriptionsApi();
        // Administrators only, twice: the endpoint policy (sign-in redirect) and Hangfire's own filter.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { DashboardTitle = "DoseWatch jobs", AppPath = "/", Authorization = [new HangfireDashboardAccess()] })
            .RequireAuthorization(AccessPolicies.Administration);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
