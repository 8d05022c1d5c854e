using GaitGateway.Core.Strides;
using GaitGateway.Dsp.Session;

namespace GaitGateway.Output;

/// <summary>Writes the <c>--export</c> CSV (<see cref="StrideCsv.Header"/>) as strides arrive.</summary>
public sealed class StrideCsvWriter : IGaitSink, IDisposable
{
    private readonly StreamWriter _writer;

    public StrideCsvWriter(string path)
    {
        _writer = new StreamWriter(path, append: false) { NewLine = "\n" };
        _writer.WriteLine(StrideCsv.Header);
    }

    public void OnStride(in StrideMetrics stride) => _writer.WriteLine(StrideCsv.FormatRow(stride));

    public void OnBout(in BoutSummary bout) { }

    public void Dispose() => _writer.Dispose();
}

/// <summary>Fans results out to several sinks.</summary>
public sealed class FanOutSink(params IGaitSink[] sinks) : IGaitSink
{
    public void OnStride(in StrideMetrics stride)
    {
        foreach (var s in sinks) s.OnStride(stride);
    }

    public void OnBout(in BoutSummary bout)
    {
        foreach (var s in sinks) s.OnBout(bout);
    }
}
