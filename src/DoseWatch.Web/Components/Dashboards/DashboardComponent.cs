using Microsoft.AspNetCore.Components;

namespace DoseWatch.Web.Components.Dashboards;

/// <summary>
/// A dashboard part whose data costs database time. With interactive server rendering a page is rendered twice: first
/// prerendered into the HTTP response, then again when the browser's circuit connects, and each render runs
/// OnInitializedAsync. Such a part loads its data only in the interactive render, where its charts are drawn anyway
/// (Plotly needs the circuit): the response returns at once with the page's frame and "Loading…", and the database does
/// the work once instead of twice. A request without interactivity (one static render) still loads the data.
/// </summary>
public abstract class DashboardComponent : ComponentBase
{
    protected bool IsPrerenderingBeforeInteractivity => AssignedRenderMode is not null && !RendererInfo.IsInteractive;
}
