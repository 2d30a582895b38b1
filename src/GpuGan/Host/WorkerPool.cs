namespace GpuGan.Host;

/// <summary>
/// A fixed set of worker threads, started once, that run one job at a time: Run(job) wakes the workers,
/// runs worker 0 on the calling thread and returns when every worker has finished. No allocation per job.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    readonly Thread[] threads;
    readonly object gate = new();
    Action<int>? job;
    long generation;
    int running;
    bool disposed;
    Exception? failure;

    public int Count { get; }

    /// <summary>Below this many elements an op runs on the calling thread (see <see cref="Share"/>'s worker -1).</summary>
    public const int ParallelThreshold = 1 << 15;

    /// <summary>
    /// Worker <paramref name="worker"/>'s contiguous share [Start, End) of <paramref name="total"/> items; the shares
    /// depend only on the total and the worker count. Worker -1 means the whole range on the calling thread.
    /// </summary>
    public (int Start, int End) Share(int worker, int total) =>
        worker < 0 ? (0, total) : ((int)((long)total * worker / Count), (int)((long)total * (worker + 1) / Count));

    public WorkerPool(int count)
    {
        Count = Math.Max(1, count);
        threads = new Thread[Count - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            int worker = i + 1;
            threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"GpuGan.Host worker {worker}" };
            threads[i].Start();
        }
    }

    /// <summary>Runs job(worker) for every worker 0..Count-1 in parallel; rethrows the first failure.</summary>
    public void Run(Action<int> job)
    {
        if (threads.Length == 0) { job(0); return; }
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            this.job = job;
            failure = null;
            running = threads.Length;
            generation++;
            Monitor.PulseAll(gate);
        }
        Exception? own = null;
        try { job(0); }
        catch (Exception e) { own = e; }
        lock (gate)
        {
            while (running > 0) Monitor.Wait(gate);
            this.job = null;
            var e = own ?? failure;
            if (e != null) throw new AggregateException("host worker failed", e);
        }
    }

    void Loop(int worker)
    {
        long seen = 0;
        while (true)
        {
            Action<int> j;
            lock (gate)
            {
                while (generation == seen && !disposed) Monitor.Wait(gate);
                if (disposed) return;
                seen = generation;
                j = job!;
            }
            try { j(worker); }
            catch (Exception e) { lock (gate) failure ??= e; }
            lock (gate)
            {
                if (--running == 0) Monitor.PulseAll(gate);
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            Monitor.PulseAll(gate);
        }
    }
}
