using DoseWatch.Web.Hosting;

var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));

builder.AddDoseWatchData();
builder.AddDoseWatchJobs();
builder.AddDoseWatchWeb();

var app = builder.Build();

app.UseDoseWatchWeb();
app.MapDoseWatchEndpoints();

app.Run();

/// <summary>Entry point; public for WebApplicationFactory in the tests.</summary>
public partial class Program;
