namespace GaitGateway.Dashboard.Central;

/// <summary>The central mode's timed loops (tile publishing, live polling): one pass now, then one per tick.</summary>
internal static class PeriodicLoop
{
    /// <summary>Runs <paramref name="pass"/> at once and then every <paramref name="interval"/> until
    /// <paramref name="cancellationToken"/> is cancelled, which ends the loop quietly.</summary>
    public static async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> pass, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await pass(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
