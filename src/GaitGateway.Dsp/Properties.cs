using System.Runtime.CompilerServices;

// Locals are not zeroed on entry: C# already proves every local assigned before it is read, and the per-sample methods
// hold 272-byte StrideMetrics locals (GaitSession.Feed) that the zeroing wrote on every sample. The assembly has no
// stackalloc, the one case this would expose.
[module: SkipLocalsInit]
