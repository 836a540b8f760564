using DoseWatch.Core.Analysis;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Rules;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace DoseWatch.Web.Components.Pages.Protocols;

/// <summary>
/// What the three pages of the protocol-mapping workflow (review queue, standard-protocol catalogue, references) share:
/// the catalogue, the devices by the names people know them by, the signed-in actor for the audit trail and the
/// outcome message of the last change.
/// </summary>
public abstract class ProtocolWorkflowPage : ComponentBase
{
    [Inject] protected ProtocolRepository ProtocolRepository { get; set; } = null!;
    [Inject] protected IDbConnectionFactory Connections { get; set; } = null!;
    [Inject] protected RuleEditing Editing { get; set; } = null!;
    [Inject] protected AuthenticationStateProvider Authentication { get; set; } = null!;

    protected ProtocolCatalogue Catalogue { get; private set; } = ProtocolCatalogue.Empty;
    protected IReadOnlyList<DeviceChoice> Devices { get; private set; } = [];
    protected string? Message { get; set; }

    protected IEnumerable<StandardProtocol> StandardsByName => Catalogue.Standards.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase);

    protected override async Task OnInitializedAsync() => await LoadAsync();

    protected async Task LoadAsync()
    {
        Catalogue = await ProtocolRepository.LoadCatalogueAsync();
        Devices = (await new DoseRecordRepository(Connections).FilterChoicesAsync()).Devices;
        await LoadPageAsync();
    }

    /// <summary>What the page lists besides the catalogue and the devices.</summary>
    protected virtual Task LoadPageAsync() => Task.CompletedTask;

    /// <summary>A device key as people know the device (never "uid:…"); a key no study has any more says so.</summary>
    protected string DeviceName(string key) => Devices.FirstOrDefault(d => d.DeviceKey == key)?.Label ?? "a device without recent studies";

    protected Task<string> ActorAsync() => CurrentUser.NameAsync(Authentication);
}
