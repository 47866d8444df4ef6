namespace Segments.Engine.Scan;

/// <summary>
/// An append-only list in chunks small enough to stay off the large-object heap (4,096 items, 32 KB of longs): a
/// <see cref="List{T}"/> of a partition's size grows through ever larger copies on that heap, and each can set off a
/// full collection, which on a busy process costs more than the build. Copied once into an exact-size array at the end.
/// </summary>
internal sealed class Chunked<T>
{
    private const int Shift = 12;
    private const int Size = 1 << Shift;

    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public T this[int index] => _chunks[index >> Shift][index & (Size - 1)];

    public void Add(T item)
    {
        if ((Count & (Size - 1)) == 0 && Count >> Shift == _chunks.Count)
        {
            _chunks.Add(new T[Size]);
        }
        _chunks[Count >> Shift][Count & (Size - 1)] = item;
        Count++;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        foreach (var item in items)
        {
            Add(item);
        }
    }

    public T[] ToArray()
    {
        var array = new T[Count];
        for (var (chunk, at) = (0, 0); at < Count; chunk++, at += Size)
        {
            _chunks[chunk].AsSpan(0, Math.Min(Size, Count - at)).CopyTo(array.AsSpan(at));
        }
        return array;
    }
}
