using Segments.Core.Documents;

namespace Segments.Core.Tests.Documents;

/// <summary>Field-by-field equality of contact documents, independent of any serialized form.</summary>
public static class DocumentAssert
{
    public static void Equal(ContactDocument expected, ContactDocument actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Email, actual.Email);
        Assert.Equal(expected.FirstName, actual.FirstName);
        Assert.Equal(expected.LastName, actual.LastName);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Fields, actual.Fields);
        Assert.Equal(expected.Lists, actual.Lists);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.ListOptOuts, actual.ListOptOuts);
        Assert.Equal(expected.Suppressions, actual.Suppressions);
        Assert.Equal(expected.Compacted, actual.Compacted);
        Assert.Equal(expected.NewestAt, actual.NewestAt);
    }
}
