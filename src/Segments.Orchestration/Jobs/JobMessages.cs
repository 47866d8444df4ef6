namespace Segments.Orchestration.Jobs;

/// <summary>The job a step works for.</summary>
public sealed record JobInput(string Tenant, string Job);

/// <summary>One part of a job: its position, and what it names (an upload's chunk, a contact partition).</summary>
public sealed record JobPartInput(string Tenant, string Job, int Index, string Part);

/// <summary>What a part did: items handled and rejected.</summary>
public sealed record JobPartOutcome(long Done, long Rejected);

/// <summary>How a job ends: done, or failed with the reason.</summary>
public sealed record JobEnd(string Tenant, string Job, string? Error);
