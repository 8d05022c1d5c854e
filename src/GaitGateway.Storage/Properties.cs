using System.Runtime.CompilerServices;

// Tests inject a crash between the write and the cursor update (InfluxForwarder.AfterWriteHook).
[assembly: InternalsVisibleTo("GaitGateway.Storage.Tests")]
