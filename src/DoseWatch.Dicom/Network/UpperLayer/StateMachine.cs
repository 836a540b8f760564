namespace DoseWatch.Dicom.Network.UpperLayer;

/// <summary>Upper Layer states (PS3.8 Table 9-1).</summary>
public enum UlState
{
    Sta1 = 1,  // Idle
    Sta2,      // Transport connection open (awaiting A-ASSOCIATE-RQ PDU)
    Sta3,      // Awaiting local A-ASSOCIATE response primitive
    Sta4,      // Awaiting transport connection opening to complete
    Sta5,      // Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU
    Sta6,      // Association established and ready for data transfer
    Sta7,      // Awaiting A-RELEASE-RP PDU
    Sta8,      // Awaiting local A-RELEASE response primitive
    Sta9,      // Release collision requestor side; awaiting A-RELEASE response primitive
    Sta10,     // Release collision acceptor side; awaiting A-RELEASE-RP PDU
    Sta11,     // Release collision requestor side; awaiting A-RELEASE-RP PDU
    Sta12,     // Release collision acceptor side; awaiting A-RELEASE response primitive
    Sta13,     // Awaiting transport connection close indication
}

/// <summary>Upper Layer events (PS3.8 Table 9-2).</summary>
public enum UlEvent
{
    Evt1 = 1,  // A-ASSOCIATE request (local user)
    Evt2,      // Transport connect confirmation (local transport service)
    Evt3,      // A-ASSOCIATE-AC PDU received
    Evt4,      // A-ASSOCIATE-RJ PDU received
    Evt5,      // Transport connection indication
    Evt6,      // A-ASSOCIATE-RQ PDU received
    Evt7,      // A-ASSOCIATE response primitive (accept)
    Evt8,      // A-ASSOCIATE response primitive (reject)
    Evt9,      // P-DATA request primitive
    Evt10,     // P-DATA-TF PDU received
    Evt11,     // A-RELEASE request primitive
    Evt12,     // A-RELEASE-RQ PDU received
    Evt13,     // A-RELEASE-RP PDU received
    Evt14,     // A-RELEASE response primitive
    Evt15,     // A-ABORT request primitive
    Evt16,     // A-ABORT PDU received
    Evt17,     // Transport connection closed indication
    Evt18,     // ARTIM timer expired
    Evt19,     // Unrecognized or invalid PDU received
}

/// <summary>Upper Layer actions (PS3.8 Tables 9-6 to 9-9). Each one's effect and next state is in <see cref="UlActions"/>.</summary>
public enum UlAction
{
    AE1, AE2, AE3, AE4, AE5, AE6, AE7, AE8,
    DT1, DT2,
    AR1, AR2, AR3, AR4, AR5, AR6, AR7, AR8, AR9, AR10,
    AA1, AA2, AA3, AA4, AA5, AA6, AA7, AA8,
}

/// <summary>What an action does, in the standard's words, and the state it leads to.</summary>
public sealed record UlActionSpec(UlAction Action, string Description, UlState NextState);

/// <summary>The action table (PS3.8 Tables 9-6 to 9-9) as data.</summary>
public static class UlActions
{
    public static readonly IReadOnlyDictionary<UlAction, UlActionSpec> All = new UlActionSpec[]
    {
        // Table 9-6 Association establishment
        new(UlAction.AE1, "Issue TRANSPORT CONNECT request primitive to local transport service", UlState.Sta4),
        new(UlAction.AE2, "Send A-ASSOCIATE-RQ PDU", UlState.Sta5),
        new(UlAction.AE3, "Issue A-ASSOCIATE confirmation (accept) primitive", UlState.Sta6),
        new(UlAction.AE4, "Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection", UlState.Sta1),
        new(UlAction.AE5, "Issue Transport connection response primitive; start ARTIM timer", UlState.Sta2),
        // AE-6 goes to Sta13 instead when the service provider itself rejects (protocol version); see UpperLayerConnection.
        new(UlAction.AE6, "Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider issue A-ASSOCIATE indication primitive", UlState.Sta3),
        new(UlAction.AE7, "Send A-ASSOCIATE-AC PDU", UlState.Sta6),
        new(UlAction.AE8, "Send A-ASSOCIATE-RJ PDU and start ARTIM timer", UlState.Sta13),
        // Table 9-7 Data transfer
        new(UlAction.DT1, "Send P-DATA-TF PDU", UlState.Sta6),
        new(UlAction.DT2, "Send P-DATA indication primitive", UlState.Sta6),
        // Table 9-8 Association release
        new(UlAction.AR1, "Send A-RELEASE-RQ PDU", UlState.Sta7),
        new(UlAction.AR2, "Issue A-RELEASE indication primitive", UlState.Sta8),
        new(UlAction.AR3, "Issue A-RELEASE confirmation primitive, and close transport connection", UlState.Sta1),
        new(UlAction.AR4, "Issue A-RELEASE-RP PDU and start ARTIM timer", UlState.Sta13),
        new(UlAction.AR5, "Stop ARTIM timer", UlState.Sta1),
        new(UlAction.AR6, "Issue P-DATA indication", UlState.Sta7),
        new(UlAction.AR7, "Issue P-DATA-TF PDU", UlState.Sta8),
        // AR-8 goes to Sta9 for the association-requestor and Sta10 for the acceptor; see UlStateMachine.
        new(UlAction.AR8, "Issue A-RELEASE indication (release collision)", UlState.Sta10),
        new(UlAction.AR9, "Send A-RELEASE-RP PDU", UlState.Sta11),
        new(UlAction.AR10, "Issue A-RELEASE confirmation primitive", UlState.Sta12),
        // Table 9-9 Association abort
        new(UlAction.AA1, "Send A-ABORT PDU (service-user source) and start (or restart if already started) ARTIM timer", UlState.Sta13),
        new(UlAction.AA2, "Stop ARTIM timer if running. Close transport connection", UlState.Sta1),
        new(UlAction.AA3, "Issue A-ABORT or A-P-ABORT indication and close transport connection", UlState.Sta1),
        new(UlAction.AA4, "Issue A-P-ABORT indication primitive", UlState.Sta1),
        new(UlAction.AA5, "Stop ARTIM timer", UlState.Sta1),
        new(UlAction.AA6, "Ignore PDU", UlState.Sta13),
        new(UlAction.AA7, "Send A-ABORT PDU", UlState.Sta13),
        new(UlAction.AA8, "Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer", UlState.Sta13),
    }.ToDictionary(a => a.Action);
}

/// <summary>
/// The state transition table (PS3.8 Table 9-10) as data: one row per event, one cell per state Sta1..Sta13;
/// "-" marks a pair the standard leaves empty, which <see cref="UlStateMachine"/> treats as an error.
/// </summary>
public static class UlTransitionTable
{
    private static readonly string[] Rows =
    [
        //         Sta1   Sta2  Sta3  Sta4  Sta5  Sta6  Sta7  Sta8  Sta9  Sta10 Sta11 Sta12 Sta13
        /*Evt1 */ "AE1    -     -     -     -     -     -     -     -     -     -     -     -",
        /*Evt2 */ "-      -     -     AE2   -     -     -     -     -     -     -     -     -",
        /*Evt3 */ "-      AA1   AA8   -     AE3   AA8   AA8   AA8   AA8   AA8   AA8   AA8   AA6",
        /*Evt4 */ "-      AA1   AA8   -     AE4   AA8   AA8   AA8   AA8   AA8   AA8   AA8   AA6",
        /*Evt5 */ "AE5    -     -     -     -     -     -     -     -     -     -     -     -",
        /*Evt6 */ "-      AE6   AA8   -     AA8   AA8   AA8   AA8   AA8   AA8   AA8   AA8   AA7",
        /*Evt7 */ "-      -     AE7   -     -     -     -     -     -     -     -     -     -",
        /*Evt8 */ "-      -     AE8   -     -     -     -     -     -     -     -     -     -",
        /*Evt9 */ "-      -     -     -     -     DT1   -     AR7   -     -     -     -     -",
        /*Evt10*/ "-      AA1   AA8   -     AA8   DT2   AR6   AA8   AA8   AA8   AA8   AA8   AA6",
        /*Evt11*/ "-      -     -     -     -     AR1   -     -     -     -     -     -     -",
        /*Evt12*/ "-      AA1   AA8   -     AA8   AR2   AR8   AA8   AA8   AA8   AA8   AA8   AA6",
        /*Evt13*/ "-      AA1   AA8   -     AA8   AA8   AR3   AA8   AA8   AR10  AR3   AA8   AA6",
        /*Evt14*/ "-      -     -     -     -     -     -     AR4   AR9   -     -     AR4   -",
        /*Evt15*/ "-      -     AA1   AA2   AA1   AA1   AA1   AA1   AA1   AA1   AA1   AA1   -",
        /*Evt16*/ "-      AA2   AA3   -     AA3   AA3   AA3   AA3   AA3   AA3   AA3   AA3   AA2",
        /*Evt17*/ "-      AA5   AA4   AA4   AA4   AA4   AA4   AA4   AA4   AA4   AA4   AA4   AR5",
        /*Evt18*/ "-      AA2   -     -     -     -     -     -     -     -     -     -     AA2",
        /*Evt19*/ "-      AA1   AA8   -     AA8   AA8   AA8   AA8   AA8   AA8   AA8   AA8   AA7",
    ];

    /// <summary>[event-1, state-1] → action, or null where the standard defines none.</summary>
    public static readonly UlAction?[,] Cells = Parse();

    public static UlAction? Lookup(UlEvent evt, UlState state) => Cells[(int)evt - 1, (int)state - 1];

    private static UlAction?[,] Parse()
    {
        var cells = new UlAction?[19, 13];
        for (var e = 0; e < Rows.Length; e++)
        {
            var cols = Rows[e].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length != 13) throw new InvalidOperationException($"Transition table row Evt{e + 1} has {cols.Length} cells");
            for (var s = 0; s < 13; s++)
                cells[e, s] = cols[s] == "-" ? null : Enum.Parse<UlAction>(cols[s]);
        }
        return cells;
    }
}

/// <summary>An event that the transition table does not allow in the current state (a local programming error or a bug).</summary>
public sealed class UlInvalidTransitionException(UlEvent evt, UlState state)
    : InvalidOperationException($"{evt} is not valid in {state} (PS3.8 Table 9-10)")
{
    public UlEvent Event { get; } = evt;
    public UlState State { get; } = state;
}

/// <summary>The Upper Layer state machine: a table lookup and a state change; the effects of an action are executed by its owner.</summary>
public sealed class UlStateMachine(bool isAssociationRequestor)
{
    public UlState State { get; private set; } = UlState.Sta1;

    public bool IsAssociationRequestor { get; } = isAssociationRequestor;

    /// <summary>Looks the event up in the current state, moves to the action's next state and returns the action to execute.</summary>
    public UlAction Fire(UlEvent evt)
    {
        var action = UlTransitionTable.Lookup(evt, State) ?? throw new UlInvalidTransitionException(evt, State);
        State = action == UlAction.AR8 && IsAssociationRequestor ? UlState.Sta9 : UlActions.All[action].NextState;
        return action;
    }

    /// <summary>AE-6 when the provider itself refuses the request: PS3.8 sends the A-ASSOCIATE-RJ and goes to Sta13.</summary>
    internal void ProviderRejected() => State = UlState.Sta13;

    public bool CanFire(UlEvent evt) => UlTransitionTable.Lookup(evt, State) is not null;
}
