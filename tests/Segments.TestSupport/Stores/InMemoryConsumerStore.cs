using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

/// <summary>Drips and triggers with their records and the feed's cursors in memory, behind one lock.</summary>
public sealed class InMemoryConsumerStore : IConsumerStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, ConsumerKind Kind, string Id), Consumer> _consumers = [];
    private readonly Dictionary<(string Tenant, ConsumerKind Kind, string Id), List<ConsumerRecord>> _records = [];
    private readonly Dictionary<(string Tenant, string Cursor), long> _cursors = [];

    public Task PutAsync(string tenant, Consumer consumer, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _consumers[(tenant, consumer.Kind, consumer.Id)] = consumer;
            return Task.CompletedTask;
        }
    }

    public Task<Consumer?> GetAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_consumers.GetValueOrDefault((tenant, kind, id)));
        }
    }

    public Task<IReadOnlyList<Consumer>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Consumer>>([.. _consumers.Where(c => c.Key.Tenant == tenant).Select(c => c.Value)]);
        }
    }

    public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var (_, records) in _records.Where(r => r.Key.Tenant == tenant))
            {
                records.RemoveAll(r => r.ContactId == contactId);
            }
            return Task.CompletedTask;
        }
    }

    public Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _records.Remove((tenant, kind, id));
            return Task.FromResult(_consumers.Remove((tenant, kind, id)));
        }
    }

    public Task<IReadOnlyList<(string Tenant, Consumer Consumer)>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<(string, Consumer)>>([.. _consumers.Select(c => (c.Key.Tenant, c.Value))]);
        }
    }

    public Task<bool> AddRecordAsync(string tenant, Consumer consumer, ConsumerRecord record, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = (tenant, consumer.Kind, consumer.Id);
            if (!_records.TryGetValue(key, out var records))
            {
                _records[key] = records = [];
            }
            if (records.Any(r => consumer.Kind == ConsumerKind.Drip ? r.ContactId == record.ContactId : r.Change == record.Change))
            {
                return Task.FromResult(false);
            }
            records.Add(record);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ConsumerRecord>>(_records.TryGetValue((tenant, kind, id), out var records)
                ? [.. records.Where(r => r.Change > after).OrderBy(r => r.Change).Take(max)]
                : []);
        }
    }

    public Task<long> CursorAsync(string tenant, string cursor, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_cursors.GetValueOrDefault((tenant, cursor)));
        }
    }

    public Task AdvanceCursorAsync(string tenant, string cursor, long sequence, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _cursors[(tenant, cursor)] = Math.Max(sequence, _cursors.GetValueOrDefault((tenant, cursor)));
            return Task.CompletedTask;
        }
    }
}
