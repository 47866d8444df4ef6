using System.Collections;
using System.Reflection;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.TestSupport.Contracts;

/// <summary>
/// Property-by-property equality of contact documents, independent of any serialized form. The properties are the
/// record's public ones, found by reflection, so a property added to the document is compared without editing this.
/// Linked into the adapter test projects with the store contract.
/// </summary>
public static class DocumentAssert
{
    public static readonly IReadOnlyList<PropertyInfo> Properties = typeof(ContactDocument).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    public static void Equal(ContactDocument expected, ContactDocument actual)
    {
        foreach (var property in Properties)
        {
            Assert.True(Same(property.GetValue(expected), property.GetValue(actual)),
                $"{property.Name} differs: expected {Show(property.GetValue(expected))}, found {Show(property.GetValue(actual))}");
        }
    }

    /// <summary>Fails when <paramref name="sample"/> leaves a property (but its id) as a new document has it: a store could drop that one unseen.</summary>
    public static void SetsEveryProperty(ContactDocument sample)
    {
        var fresh = new ContactDocument(sample.Id);
        foreach (var property in Properties.Where(p => p.Name != nameof(ContactDocument.Id)))
        {
            Assert.False(Same(property.GetValue(fresh), property.GetValue(sample)), $"the sample document leaves {property.Name} as a new document has it");
        }
    }

    /// <summary>Equal values, and sequences (arrays, bags) of equal items.</summary>
    private static bool Same(object? a, object? b) =>
        a is IEnumerable x and not string && b is IEnumerable y and not string
            ? x.Cast<object?>().SequenceEqual(y.Cast<object?>())
            : Equals(a, b);

    private static string Show(object? value) => value switch
    {
        PropertyBag bag => Show(bag.Items),
        IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object?>())}]",
        _ => $"{value}",
    };
}
