using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Api;

/// <summary>A device's display name to set; blank removes it (the device is named from its studies again).</summary>
public sealed record DeviceDisplayNameChange(string? DeviceKey, string? DisplayName);

public sealed record DeviceDisplayNameDto(string DeviceKey, string? DisplayName, string Label);

/// <summary>Renames devices (issue #21) for the Devices page and the API alike, each change audited as <c>device.rename</c>.</summary>
public sealed class DeviceNaming(DeviceNameRepository names, IAuditTrail audit, TimeProvider clock)
{
    /// <summary>Null when done, else why not (unknown device, too long).</summary>
    public async Task<string?> RenameAsync(string actor, string deviceKey, string? displayName, CancellationToken cancellationToken = default)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length > DeviceNameRepository.MaximumLength) return $"A device name has at most {DeviceNameRepository.MaximumLength} characters.";
        if (!await names.IsKnownAsync(deviceKey, cancellationToken)) return "No study comes from this device.";
        var before = await names.SetAsync(deviceKey, name, actor, clock.GetUtcNow(), cancellationToken);
        if ((before ?? "") != name)
            await audit.AppendAsync(new AuditEvent(actor, "device.rename", deviceKey, $"'{before ?? ""}' -> '{name}'"), cancellationToken);
        return null;
    }
}

public static class DevicesApi
{
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder endpoints)
    {
        // Naming a device changes how every page labels it: administrators only (AccessPolicies: "anything that changes a device's record").
        var api = endpoints.MapGroup("/api/v1/devices").WithTags("Devices").RequireAuthorization(AccessPolicies.Administration);
        api.MapPut("/display-name", RenameAsync).WithName("SetDeviceDisplayName")
            .WithSummary("Give a device (by its device key, as studies report it) the name pages show; a blank name removes it");
        return endpoints;
    }

    public static async Task<Results<Ok<DeviceDisplayNameDto>, ValidationProblem, NotFound>> RenameAsync(DeviceDisplayNameChange body, DeviceNaming naming,
        DeviceNameRepository names, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.DeviceKey)) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["deviceKey"] = ["deviceKey is required."] });
        if (!await names.IsKnownAsync(body.DeviceKey, cancellationToken)) return TypedResults.NotFound();
        if (await naming.RenameAsync(SignedInUser.Actor(context.User), body.DeviceKey, body.DisplayName, cancellationToken) is { } error)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["displayName"] = [error] });
        var label = (await names.LabelsAsync([body.DeviceKey], cancellationToken))[body.DeviceKey];
        var current = (await names.DisplayNamesAsync(cancellationToken)).GetValueOrDefault(body.DeviceKey);
        return TypedResults.Ok(new DeviceDisplayNameDto(body.DeviceKey, current, label));
    }
}
