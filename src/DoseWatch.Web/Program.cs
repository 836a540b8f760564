using DoseWatch.Web.Access;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Fhir;
using DoseWatch.Web.Hosting;

// Everything this process creates (database, WAL, job store, received objects, keys) is for the service account only.
DoseWatch.Core.Privacy.OwnerOnlyFiles.RestrictProcessUmask();
var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));

builder.AddDoseWatchData();
builder.AddDoseWatchAccess();
builder.AddDoseWatchJobs();
builder.AddDoseWatchWeb();
builder.AddDoseWatchAlerts();
builder.AddDoseWatchFhirPush();
builder.Services.AddDicomStoreScp(builder.Configuration);

var app = builder.Build();

app.UseDoseWatchWeb();
app.MapDoseWatchEndpoints();

app.Run();

/// <summary>Entry point; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
