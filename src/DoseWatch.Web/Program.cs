using DoseWatch.Web.Access;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Hosting;

var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));

builder.AddDoseWatchData();
builder.AddDoseWatchAccess();
builder.AddDoseWatchJobs();
builder.AddDoseWatchWeb();
builder.AddDoseWatchAlerts();
builder.Services.AddDicomStoreScp(builder.Configuration);

var app = builder.Build();

app.UseDoseWatchWeb();
app.MapDoseWatchEndpoints();

app.Run();

/// <summary>Entry point; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
