using Segments.Engine.Language;

namespace Segments.Core.Ports;

/// <summary>
/// The fixed random sample of every tenant's contacts that estimates count over: the contacts whose bucket
/// (<see cref="ContactBucket"/>) for the seed <see cref="Seed"/> is below <see cref="Buckets"/>, one in a hundred. Each
/// contact's membership depends on its id only, so the sample is the same on every store and stays the same as the
/// tenant grows; a store keeps the sample's documents where it can read them together
/// (<see cref="IContactStore.ScanSampleAsync"/>).
/// </summary>
public static class EstimationSample
{
    public const string Seed = "segments:estimation-sample";

    /// <summary>How many of the hundred buckets are sampled.</summary>
    public const int Buckets = 1;

    /// <summary>The probability that a contact is in the sample.</summary>
    public const double Rate = (double)Buckets / ContactBucket.Count;

    public static bool Contains(string contactId) => ContactBucket.Of(Seed, contactId) < Buckets;
}
