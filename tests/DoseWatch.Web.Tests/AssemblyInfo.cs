// Hangfire keeps one static JobStorage.Current: app instances in this process are started one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
