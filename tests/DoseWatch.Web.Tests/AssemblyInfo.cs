// Test classes run one at a time: most start whole apps (Kestrel, Store SCP, Hangfire workers) or a browser, and their
// time limits assume no other class competes for the machine. Apps alive at once in this process do not share Hangfire
// state (src/DoseWatch.Web/Hosting/JobsHosting.cs) nor, on PostgreSQL, a database (DoseWatchApp).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
