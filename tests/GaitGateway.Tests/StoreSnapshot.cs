using System.Text;
using Microsoft.Data.Sqlite;

namespace GaitGateway.Tests;

/// <summary>Everything a store holds, as text: every row of every table in rowid order, and the schema version.
/// Two equal snapshots mean the store was not touched (whatever SQLite did with its pages).</summary>
internal static class StoreSnapshot
{
    public static string Of(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        var b = new StringBuilder();
        using (var v = new SqliteCommand("PRAGMA user_version;", db)) b.Append("version ").Append(v.ExecuteScalar()).Append('\n');
        var tables = new List<string>();
        using (var t = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;", db))
        using (var r = t.ExecuteReader())
            while (r.Read()) tables.Add(r.GetString(0));
        foreach (var table in tables)
        {
            b.Append("table ").Append(table).Append('\n');
            using var q = new SqliteCommand($"SELECT * FROM \"{table}\" ORDER BY rowid;", db);
            using var r = q.ExecuteReader();
            while (r.Read())
            {
                for (var i = 0; i < r.FieldCount; i++) b.Append(r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                b.Append('\n');
            }
        }

        return b.ToString();
    }
}
